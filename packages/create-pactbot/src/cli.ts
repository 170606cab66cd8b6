#!/usr/bin/env node
/**
 * `npm create pactbot [directory]`: writes a new bot project and says what to run next.
 * @packageDocumentation
 */
import path from 'node:path';
import { createProject } from './create-project.js';

const USAGE = `Usage: npm create pactbot [directory]

Writes a new pactbot project into directory (default: my-bot), which must be new or empty.`;

async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const unknown = args.find((arg) => arg.startsWith('-'));
  if (unknown !== undefined) {
    console.error(`create-pactbot: unknown option ${unknown}\n\n${USAGE}`);
    return 2;
  }
  if (args.length > 1) {
    console.error(`create-pactbot: one directory at most, got ${args.length}\n\n${USAGE}`);
    return 2;
  }
  const target = args[0] ?? 'my-bot';
  try {
    const project = await createProject({ directory: target });
    const where = path.relative(process.cwd(), project.directory) || '.';
    console.log(`Created ${project.name} in ${where}. Next:

  cd ${where}
  npm install
  npm start     # the bot on the sandbox, a local Pact: open the chat page it prints
  npm test      # its test, on the sandbox too
`);
    return 0;
  } catch (error) {
    console.error(`create-pactbot: ${(error as Error).message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
