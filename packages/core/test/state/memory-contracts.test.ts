import { MemorySessionStore, memoryState } from '@pactbot/core';
import { botStateContract, sessionStoreContract } from '@pactbot/testkit';

botStateContract('memoryState', () => {
  // One process: both handles are the same state.
  const state = memoryState();
  return Promise.resolve({ a: state, b: state, close: () => Promise.resolve() });
});

sessionStoreContract('MemorySessionStore', () =>
  Promise.resolve({ store: new MemorySessionStore(), close: () => Promise.resolve() }),
);
