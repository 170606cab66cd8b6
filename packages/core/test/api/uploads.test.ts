import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PactClient } from '@pactbot/core';
import { reference } from '../fixtures/reference-responses.js';
import { PactStub, startPactStub } from '@pactbot/testkit/support/pact-stub';

const UPLOAD = '/p1/companies/42/conversations/9/messages/attachments';
let stub: PactStub;
let client: PactClient;
let dir: string;

beforeAll(async () => {
  stub = await startPactStub();
  stub.route('POST', UPLOAD, { body: reference.attachmentUploaded });
  client = new PactClient({ token: 'tok', companyId: 42, apiUrl: stub.url, rateLimit: false });
  dir = await mkdtemp(join(tmpdir(), 'pactbot-upload-'));
});
afterAll(async () => {
  await client.close();
  await stub.close();
});
beforeEach(() => {
  stub.requests.length = 0;
});

async function uploadedFile(): Promise<{ file: File; form: FormData }> {
  const request = stub.requests.at(-1)!;
  expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
  const form = await PactStub.formData(request);
  return { file: form.get('file') as File, form };
}

describe('attachments.upload', () => {
  it('streams a file from disk with its name, type and length', async () => {
    const path = join(dir, 'photo.png');
    await writeFile(path, Buffer.from('PNG-BYTES'));
    const result = await client.attachments.upload(9, {
      path,
      metadata: { width: 640, height: 480 },
    });
    expect(result.external_id).toBe(1);
    const { file, form } = await uploadedFile();
    expect(file.name).toBe('photo.png');
    expect(file.type).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer()).toString()).toBe('PNG-BYTES');
    expect(JSON.parse(form.get('metadata') as string)).toEqual({
      data: { width: 640, height: 480 },
    });
    expect(Number(stub.requests.at(-1)!.headers['content-length'])).toBe(
      stub.requests.at(-1)!.raw.length,
    );
  });

  it('sends a Buffer, a Uint8Array and a Blob', async () => {
    await client.attachments.upload(9, { data: Buffer.from('buffer'), filename: 'a.txt' });
    expect(await (await uploadedFile()).file.text()).toBe('buffer');
    await client.attachments.upload(9, {
      data: new TextEncoder().encode('bytes'),
      filename: 'b.pdf',
    });
    expect((await uploadedFile()).file.type).toBe('application/pdf');
    await client.attachments.upload(9, {
      data: new Blob(['blob'], { type: 'audio/ogg' }),
      filename: 'voice.ogg',
      push_to_talk: true,
    });
    const { file, form } = await uploadedFile();
    expect(await file.text()).toBe('blob');
    expect(file.type).toBe('audio/ogg');
    expect(form.get('push_to_talk')).toBe('true');
  });

  it('streams a readable stream without knowing its length', async () => {
    const stream = Readable.from([Buffer.from('chunk-1,'), Buffer.from('chunk-2')]);
    await client.attachments.upload(9, { data: stream, filename: 'log.txt' });
    const request = stub.requests.at(-1)!;
    expect(request.headers['transfer-encoding']).toBe('chunked');
    expect(await (await uploadedFile()).file.text()).toBe('chunk-1,chunk-2');
  });

  it('sends file_url as JSON, its metadata as an object', async () => {
    await client.attachments.upload(9, { file_url: 'https://example.com/a.png' });
    expect(stub.requests.at(-1)!.json).toEqual({ file_url: 'https://example.com/a.png' });
    await client.attachments.upload(9, {
      file_url: 'https://example.com/b.png',
      metadata: { width: 1, height: 2 },
    });
    expect(stub.requests.at(-1)!.json).toEqual({
      file_url: 'https://example.com/b.png',
      metadata: { data: { width: 1, height: 2 } },
    });
  });

  it("reads the attachment id from either of the reference's answers", async () => {
    const other = await startPactStub();
    other.route('POST', UPLOAD, { body: reference.attachmentUploadedNested });
    const nested = new PactClient({
      token: 'tok',
      companyId: 42,
      apiUrl: other.url,
      rateLimit: false,
    });
    try {
      const result = await nested.attachments.upload(9, { file_url: 'https://example.com/a.png' });
      expect(result.external_id).toBe(1);
    } finally {
      await nested.close();
      await other.close();
    }
  });
});
