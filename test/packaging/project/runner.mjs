// Runs one README program for the packaging test. Every server the program opens gets a free
// port, whatever port it asks for (the README says 3000, and programs run side by side), and the
// test hears over IPC on which ports it listens and when its top level has finished.
import net from 'node:net';
import { pathToFileURL } from 'node:url';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const [first] = args;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) args[0] = 0;
  else if (first !== null && typeof first === 'object' && 'port' in first)
    args[0] = { ...first, port: 0 };
  this.once('listening', () => {
    const address = this.address();
    if (address !== null && typeof address === 'object')
      process.send?.({ listening: address.port });
  });
  return listen.apply(this, args);
};

await import(pathToFileURL(process.argv[2]).href);
process.send?.({ ran: true });
// The channel to the test must not keep a program alive that is done.
process.channel?.unref();
