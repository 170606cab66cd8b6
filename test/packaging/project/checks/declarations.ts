// The packages' declarations compile under a user's strictest settings (skipLibCheck off: see
// tsconfig.declarations.json). The Koa adapter is left out: @types/koa itself does not compile
// so (its content-disposition import), which is Koa's to fix, not ours.
export type * as core from '@pactbot/core';
export type * as express from '@pactbot/adapter-express';
export type * as fastify from '@pactbot/adapter-fastify';
export type * as redis from '@pactbot/session-redis';
export type * as sandbox from '@pactbot/sandbox';
export type * as starter from 'create-pactbot';
