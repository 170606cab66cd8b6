import type { UserFromGetMe } from 'grammy/types';

/** The bench bot's identity, given to grammY so it makes no `getMe` call of its own. */
export const BENCH_BOT_INFO = {
  id: 7000001,
  is_bot: true,
  first_name: 'Bench',
  username: 'bench_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
} as UserFromGetMe;
