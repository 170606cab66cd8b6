/**
 * API v2 on the recording stand-in of Pact: routes that accept sends and uploads as the v2
 * reference answers them, a reader of what the bot sent, and v2 webhook bodies built from the
 * reference's examples (`reference-webhooks-v2.ts`).
 */
import type { PactStub, RecordedRequest } from './pact-stub.js';
import { webhooksV2 } from './reference-webhooks-v2.js';

/** A v2 message the bot sent, as the stand-in of Pact received it. */
export interface V2SentRecord {
  conversationId: number;
  body: {
    company_id?: number;
    text?: string;
    attachment_ids?: number[];
    replied_to_id?: string;
    send_to_crm?: boolean;
  };
  /** The id the stand-in gave the message. */
  messageId: number;
  request: RecordedRequest;
}

const SEND_PATH = /^\/api\/p2\/conversations\/(\d+)\/messages$/;
let nextMessageId = 70_000;
let nextAttachmentId = 90_000;
const UPLOAD_PATH = '/api/p2/attachments/';
const messageIds = new WeakMap<RecordedRequest, number>();
const attachmentIds = new WeakMap<RecordedRequest, number>();

/** The message object of a v2 send's answer (status `sent`, no `external_id` yet), as the reference prints it. */
export function v2SentMessage(
  id: number,
  conversationId: number,
  body: V2SentRecord['body'],
): Record<string, unknown> {
  return {
    id,
    external_id: null,
    company_id: body.company_id ?? 42,
    conversation_id: conversationId,
    contact_id: 1_582_597_339,
    replied_to_id: body.replied_to_id ?? null,
    created_at: '2025-12-09T13:40:23.716Z',
    external_created_at: '2025-12-09T13:40:23.000Z',
    income: false,
    status: 'sent',
    message: body.text ?? null,
    reactions: [],
    details: null,
    delivery: false,
    deleted: false,
    attachments: (body.attachment_ids ?? []).map((attachmentId) => ({
      id: attachmentId,
      message_id: id,
      file_name: 'file.png',
      mime_type: 'image/png',
      size: 1024,
      attachment_url: `https://cdn.pact.im/storage/attachment/file/${attachmentId}.png`,
    })),
  };
}

/**
 * Makes the stand-in accept every v2 send (`POST /api/p2/conversations/{id}/messages`, answered
 * with the new message) and every v2 upload (`POST /api/p2/attachments/`, answered with the new
 * attachment), giving each a fresh id.
 */
export function acceptV2Sends(stub: PactStub): void {
  stub.route('POST', SEND_PATH, (req) => {
    const id = nextMessageId++;
    messageIds.set(req, id);
    const conversationId = Number(SEND_PATH.exec(req.path)![1]);
    return {
      body: { message: v2SentMessage(id, conversationId, req.json as V2SentRecord['body']) },
    };
  });
  stub.route('POST', UPLOAD_PATH, (req) => {
    const id = nextAttachmentId++;
    attachmentIds.set(req, id);
    return {
      body: {
        attachment: {
          id,
          message_id: null,
          file_name: '1.jpg',
          mime_type: 'image/jpg',
          size: 812_089,
          attachment_url: 'The path to the file',
          preview_url: 'The path to the file',
          aspect_ratio: 0.8,
          data: { width: 1024, height: 1280 },
        },
      },
    };
  });
}

/** A v2 upload the stand-in received, with the id it gave the attachment. */
export interface V2UploadRecord {
  attachmentId: number;
  request: RecordedRequest;
}

/** The v2 uploads the stand-in received, in the order they arrived. */
export function v2Uploads(stub: PactStub): V2UploadRecord[] {
  return stub
    .calls('POST', UPLOAD_PATH)
    .map((request) => ({ attachmentId: attachmentIds.get(request) ?? 0, request }));
}

/** The v2 sends the stand-in received, in the order they arrived. */
export function v2Sends(stub: PactStub): V2SentRecord[] {
  return stub.requests
    .filter((r) => r.method === 'POST' && SEND_PATH.test(r.path))
    .map((r) => ({
      conversationId: Number(SEND_PATH.exec(r.path)![1]),
      body: r.json as V2SentRecord['body'],
      messageId: messageIds.get(r) ?? 0,
      request: r,
    }));
}

/** Options of {@link v2Incoming}. */
export interface V2IncomingOptions {
  /** Pact's message id; unique by default. */
  id?: number;
  conversationId?: number;
  text?: string;
  /** The conversation's provider (`whatsapp` in the reference's example). */
  provider?: string;
  companyId?: number;
  /**
   * When the customer wrote it (`external_created_at` and `created_at`). Default now: a message
   * just written, so a WhatsApp Business conversation's 24-hour window is open.
   */
  writtenAt?: Date;
}

let nextIncomingId = 50_000;

/** A customer's message: the reference's `message`/`create` example (§3.1), with its fields set. */
export function v2Incoming(options: V2IncomingOptions = {}) {
  const example = structuredClone(webhooksV2.messageIncoming);
  const conversationId = options.conversationId ?? example.object.conversation_id;
  const companyId = options.companyId ?? 42;
  return {
    ...example,
    object: {
      ...example.object,
      id: options.id ?? nextIncomingId++,
      company_id: companyId,
      conversation_id: conversationId,
      status: 'created',
      created_at: (options.writtenAt ?? new Date()).toISOString(),
      external_created_at: (options.writtenAt ?? new Date()).toISOString(),
      message: options.text ?? example.object.message,
      attachments: [],
      conversation: {
        ...example.object.conversation,
        id: conversationId,
        company_id: companyId,
        provider: options.provider ?? example.object.conversation.provider,
      },
    },
  };
}

/**
 * Pact's echo of a message the bot sent: the reference's outgoing `message`/`create` (§3.5) for
 * the message a send was answered with.
 */
export function v2Echo(sent: V2SentRecord) {
  const example = structuredClone(webhooksV2.messageOutgoingCurrent);
  return {
    ...example,
    object: {
      ...example.object,
      id: sent.messageId,
      company_id: sent.body.company_id ?? 42,
      conversation_id: sent.conversationId,
      message: sent.body.text ?? null,
      conversation: {
        ...example.object.conversation,
        id: sent.conversationId,
        company_id: sent.body.company_id ?? 42,
      },
    },
  };
}

/**
 * A status change of an outgoing message: the reference's `message`/`update` examples — §3.4
 * (`error`, with its `details`) for `error`, §3.3 (`delivered`) with the status set otherwise.
 */
export function v2StatusUpdate(
  messageId: number,
  conversationId: number,
  status: 'sent' | 'delivered' | 'read' | 'error',
) {
  const example = structuredClone(
    status === 'error' ? webhooksV2.messageError : webhooksV2.messageDelivered,
  );
  return {
    ...example,
    object: {
      ...example.object,
      id: messageId,
      company_id: 42,
      conversation_id: conversationId,
      status,
    },
  };
}
