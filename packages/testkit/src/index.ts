/**
 * @pactbot/testkit: what the pactbot packages' tests share — contract suites that hold twin
 * implementations (memory and Redis) to one behaviour.
 * @packageDocumentation
 */
export { botStateContract, type BotStatePeers } from './contracts/bot-state.js';
export { sessionStoreContract, type SessionStoreUnderTest } from './contracts/session-store.js';
