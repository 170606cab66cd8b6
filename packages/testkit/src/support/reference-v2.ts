/**
 * Example answers of Pact's API v2 reference, copied as printed (see the reference's
 * conversations.md, messages.md, attachments.md, waba-templates.md, auths.md and
 * companies-webhooks.md). Only the auth answers are assembled: the reference shows none.
 */
const conversation = {
  id: 18642847,
  company_id: 52204,
  sender_name: '79517591813',
  sender_phone: '79517591813',
  sender_external_id: '79517591813',
  sender_external_public_id: '79517591813',
  provider: 'whatsapp',
  avatar_url: 'http://localhost:3000/avatars/original/missing.png',
  created_at: '2024-11-11T12:35:57.995Z',
  last_updated_at: '2024-11-21T08:37:36.000Z',
  last_message_id: 14056,
  operational_state: 'open',
  replied_state: 'replied',
  group: false,
};

const objectMessage = {
  id: 1134326991,
  external_id: '34577',
  company_id: 86605,
  conversation_id: 209752626,
  contact_id: 1583160940,
  replied_to_id: null,
  created_at: '2025-02-05T09:01:48.514Z',
  external_created_at: '2025-02-05T09:01:47.000Z',
  income: true,
  status: 'created',
  message: '',
  reactions: [],
  details: null,
  attachments: [],
  delivery: false,
  deleted: false,
};

const wabaTemplate = {
  id: 2,
  name: 'with_params',
  body: 'Привет, {{1}}. Это тест параметров. {{2}} - тест второго параметра.',
  waba_id: 'with_params',
  substitutions_count: 2,
  header_content_type: null,
  company_id: 52204,
  header: null,
  namespace: 'ab06e962_230a_4e22_a3e2_a17bb8951856',
  created_at: '2025-05-21T02:13:08.232Z',
  position: 2,
};

const auth = {
  id: 69174,
  company_id: 52368,
  provider: 'whatsapp',
  state: 'enabled',
  phone_number: '79000000000',
  username: null,
  created_at: '2025-06-23T14:33:47.886Z',
  updated_at: '2025-06-23T14:33:47.886Z',
  sync_messages_at: '2025-06-22T14:33:47.877Z',
  pages: null,
};

/** The reference's example answers, by endpoint and object, as printed. */
export const referenceV2 = {
  conversationObject: { conversation },
  conversationsList: {
    conversations: [conversation],
    meta: { page: 1, entries_count: 2, per_page: 25 },
  },
  conversationGet: { conversation },
  conversationUpdated: {
    conversation: {
      id: 3,
      company_id: 1,
      sender_name: 'Иван',
      sender_phone: null,
      sender_external_id: '110218431333189',
      sender_external_public_id: 'test',
      provider: 'telegram_personal',
      avatar_url: 'http://localhost:3000/avatars/original/missing.png',
      created_at: '2025-12-11T15:14:17.879Z',
      last_updated_at: '2025-12-15T10:52:40.000Z',
      last_message_id: 1123356,
      operational_state: 'archived',
      replied_state: 'unreplied',
      group: false,
    },
  },
  messageObject: { message: objectMessage },
  messagesList: {
    messages: [
      {
        id: 13224,
        external_id: 'b91c9b99-7c24-40a7-8b52-1d80b5b3e158',
        company_id: 52204,
        conversation_id: 18642850,
        contact_id: 549645235,
        replied_to_id: null,
        created_at: '2024-11-12T06:28:10.907Z',
        external_created_at: '2024-11-12T06:28:10.000Z',
        income: false,
        status: 'read',
        message: null,
        reactions: [],
        details: null,
        attachments: [
          {
            id: 53431944,
            message_id: 13224,
            file_name: 'p4ct-br0ws3r-v01ce-r3c0rd.ogg',
            mime_type: 'audio/ogg',
            size: 39185,
            attachment_url:
              'https://cdn.pact.im/uploads/storage/attachment/file/a1dd41f80c3ae85beb355a38ea3f5b53.ogg',
            push_to_talk: true,
          },
        ],
      },
    ],
    meta: { page: 1, entries_count: 1, per_page: 150 },
  },
  /** Older than `delivery` and `deleted`: the get-one example has neither. */
  messageGet: {
    message: {
      id: 1134326991,
      external_id: '34577',
      company_id: 86605,
      conversation_id: 209752626,
      contact_id: 1583160940,
      replied_to_id: null,
      created_at: '2025-02-05T09:01:48.514Z',
      external_created_at: '2025-02-05T09:01:47.000Z',
      income: true,
      status: 'created',
      message: '',
      reactions: [],
      details: null,
      attachments: [],
    },
  },
  messageSent: {
    message: {
      id: 123,
      external_id: null,
      company_id: 838111,
      conversation_id: 2073572213,
      contact_id: 1582597339,
      replied_to_id: 'AC36714A437FAE372F0CC3CC21330F336',
      created_at: '2025-12-09T13:40:23.716Z',
      external_created_at: '2025-12-09T13:40:23.000Z',
      income: false,
      status: 'sent',
      message: 'Hello World!',
      reactions: [],
      details: null,
      delivery: false,
      deleted: false,
      attachments: [
        {
          id: 315200264,
          message_id: 1414933437,
          file_name: 'image_processing20241227-195666-pny0n6.jpeg',
          mime_type: 'image/jpeg',
          size: 25436,
          attachment_url:
            'https://cdn.pact.im/storage/attachment/file/53cbacc1433e4396889a0e53eb8f102fab.jpeg',
          preview_url:
            'https://cdn.pact.im/storage/attachment/file/small-11191138a56305df28e13d71cc57071113.jpeg',
          aspect_ratio: null,
          data: {},
        },
      ],
    },
  },
  firstMessageSent: {
    message: {
      id: 239,
      external_id: null,
      company_id: 52204,
      conversation_id: 18642824,
      contact_id: 3,
      replied_to_id: null,
      created_at: '2025-02-13T14:07:51.582Z',
      external_created_at: '2025-02-13T14:07:51.000Z',
      income: false,
      status: 'sent',
      message: null,
      reactions: [],
      details: null,
      attachments: [
        {
          id: 5,
          message_id: 239,
          file_name: '5287346531311154701.png',
          mime_type: 'image/jpeg',
          size: 65030,
          attachment_url:
            'https://cdn.pact.im/uploads/storage/attachment/file/a845515c570e285e2ae22d9d493e3abc.png',
          preview_url:
            'https://cdn.pact.im/uploads/storage/attachment/file/small-3a46073e438fa82c6c04fd2ff3e1cfef.png',
          aspect_ratio: 0.46,
          data: { width: 591, height: 1280 },
        },
      ],
    },
  },
  attachmentObject: {
    attachment: {
      id: 53439177,
      message_id: null,
      file_name: '1.jpg',
      mime_type: 'image/jpg',
      size: 812089,
      attachment_url: 'The path to the file',
      preview_url: 'The path to the file',
      aspect_ratio: 0.8,
      data: { width: 1024, height: 1280 },
      push_to_talk: null,
    },
  },
  attachmentUploaded: {
    attachment: {
      id: 53439177,
      message_id: null,
      file_name: '1.jpg',
      mime_type: 'image/jpg',
      size: 812089,
      attachment_url: 'The path to the file',
      preview_url: 'The path to the file',
      aspect_ratio: 0.8,
      data: { width: 1024, height: 1280 },
    },
  },
  wabaTemplateObject: { waba_template: wabaTemplate },
  wabaTemplatesList: {
    waba_templates: [
      {
        id: 1,
        name: 'fuga',
        body: 'Temporibus et rerum optio.',
        waba_id: 'cjw8av3d2l',
        substitutions_count: 0,
        header_content_type: null,
        company_id: 52204,
        header: null,
        namespace: null,
        created_at: '2025-05-21T00:29:29.313Z',
        position: 1,
      },
      wabaTemplate,
    ],
    meta: { page: 1, entries_count: 2, per_page: 25 },
  },
  authObject: { auth },
  pageObject: {
    page: {
      id: 30190,
      auth_id: 69167,
      company_id: 52368,
      external_id: '229559196',
      name: 'Test1',
      enabled: true,
    },
  },
  /** The VK step-2 fragment: pages as a list, each with its own OAuth URL. */
  vkPages: {
    pages: [
      {
        id: 30289,
        enabled: false,
        name: 'test',
        external_id: '232630093',
        oauth_provider_url: 'https://oauth.vk.ru/authorize?...',
      },
    ],
  },
  webhookObject: { webhook: { id: 1, url: 'https://example.com/webhook', active: true } },
  webhooksList: {
    webhooks: [{ id: 1, url: 'https://example.com/webhook', active: true }],
    meta: { page: 1, entries_count: 1, per_page: 25 },
  },
  webhookCreated: { webhook: { id: 1, url: 'https://example.com/webhook', active: false } },
  webhookUpdated: { webhook: { id: 1, url: 'https://example.com/new-webhook', active: true } },
  /** S3's answer to a webhook delete; S1 answers 204 with no body. */
  webhookDeletedOlder: {},
  unauthorized: {
    errors: [
      { status: 401, code: 'unauthorized', title: 'Unauthorized', detail: 'No token provided' },
    ],
  },
  tooManyRequests: {
    errors: [
      {
        status: 429,
        code: 'too_many_requests',
        title: 'Too many requests error',
        detail: 'Please wait for 50 seconds',
      },
    ],
  },
} as const;

/** Auth answers the reference does not print, in the forms it leaves open. */
export const assembledAuthAnswers = {
  /** `qr` inside the auth, as the QR webhook carries it. */
  qrInside: { auth: { ...auth, state: 'initial', qr: 'data:image/png;base64,AAAA' } },
  /** `code` beside the auth. */
  codeBeside: { auth: { ...auth, state: 'initial' }, code: 'ZHHJ-KQSP' },
  /** The auth bare, with its OAuth URL. */
  bare: { ...auth, provider: 'avito', oauth_provider_url: 'https://avito.example/oauth' },
  list: { auths: [auth], meta: { page: 1, entries_count: 1, per_page: 25 } },
};
