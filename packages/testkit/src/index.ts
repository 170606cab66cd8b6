/**
 * @pactbot/testkit: what the pactbot packages' tests share — contract suites that hold twin
 * implementations (memory and Redis) to one behaviour. The test support (a Pact stand-in, bots on
 * a port, webhook bodies, proxies that fail on cue) is imported by file, as
 * `@pactbot/testkit/support/<name>`, so a test loads only what it uses.
 * @packageDocumentation
 */
export { botStateContract, type BotStatePeers } from './contracts/bot-state.js';
export { sessionStoreContract, type SessionStoreUnderTest } from './contracts/session-store.js';
