import { LuaScript, NOW_MS } from './lua-script.js';

/**
 * Admits an update to its line in one step: deduplicates it, queues it, and (when asked and the
 * line is free) takes the line's turn, reading the line's session and button menu for it. A turn
 * held under the caller's own prefix counts as free: the caller asks only for lines it does not
 * hold, so that turn is a ghost — taken by an earlier call whose answer was lost (a dropped
 * connection, a timeout) — and waiting out its lease would stall the line for nothing.
 * KEYS: claim, queue, version, owner, tickets, fence, session, menu. ARGV: entry, dedup ttl ms,
 * idle ttl ms, holder prefix ('' to not take), lease ms. Answers `{'duplicate'}` (handled before),
 * `{'present'}` (queued or running already), `{'queued', held}` (held: 1 when someone holds the
 * line, who will find the entry before letting go), or `{'taken', ticket, head, session, menu}`
 * (the turn is the caller's; `head` may be an older entry, and is '' when it is the entry just
 * admitted: the caller has that one already, so it is not sent back).
 */
export const ADMIT = new LuaScript(`
local state = redis.call('GET', KEYS[1])
if state == 'done' then return {'duplicate'} end
if state then return {'present'} end
redis.call('SET', KEYS[1], 'queued', 'PX', ARGV[2])
local length = redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
local holder = redis.call('GET', KEYS[4])
if ARGV[4] ~= '' and (not holder or string.sub(holder, 1, string.len(ARGV[4])) == ARGV[4]) then
  local ticket = redis.call('INCR', KEYS[5])
  redis.call('PEXPIRE', KEYS[5], ARGV[3])
  redis.call('SET', KEYS[6], ticket, 'PX', ARGV[3])
  redis.call('SET', KEYS[4], ARGV[4] .. ticket, 'PX', ARGV[5])
  local head = ''
  if length > 1 then head = redis.call('LINDEX', KEYS[2], 0) end
  return {'taken', ticket, head, redis.call('GET', KEYS[7]), redis.call('GET', KEYS[8])}
end
if holder then return {'queued', 1} end
return {'queued', 0}`);

/**
 * Takes a line's turn unless someone else holds it (a turn under the caller's own prefix is a
 * ghost, as in ADMIT) — also when the line is empty, so the caller can drop it from the index
 * safely (see FINISH) — reading the line's session and menu with it. KEYS: owner, tickets, fence,
 * queue, session, menu. ARGV: holder prefix, lease ms, idle ttl ms. Answers
 * `{'busy', pttl, holder}` or `{'taken', ticket, head|false, session, menu}`.
 */
export const TAKE = new LuaScript(`
local holder = redis.call('GET', KEYS[1])
if holder and string.sub(holder, 1, string.len(ARGV[1])) ~= ARGV[1] then
  return {'busy', redis.call('PTTL', KEYS[1]), holder}
end
local ticket = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('SET', KEYS[3], ticket, 'PX', ARGV[3])
redis.call('SET', KEYS[1], ARGV[1] .. ticket, 'PX', ARGV[2])
return {'taken', ticket, redis.call('LINDEX', KEYS[4], 0), redis.call('GET', KEYS[5]), redis.call('GET', KEYS[6])}`);

/** Extends a turn still held by its holder. KEYS: owner. ARGV: holder token, lease ms. */
export const EXTEND = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`);

/**
 * Completes the head entry of a held turn, in one step: removes it, marks it done, applies the
 * writes staged on the turn, and then either answers the next entry with the line's session and
 * menu as they are now (`{'next', head, session, menu}`, keeping the turn), or — the line being
 * empty — gives the turn up (`{'done'}`). `{'lost', claim}` when the turn passed to another holder
 * (nothing is written then; `claim` tells whether the entry was completed meanwhile, as by an
 * earlier try of this very step whose answer was lost).
 * KEYS: owner, queue, claim of the head, session, menu. ARGV: holder token, head's id and a
 * newline, dedup ttl ms, lease ms, idle ttl ms, number of writes, then five per write: the index
 * of its key in KEYS, 'set' or 'del', the value, its ttl ms (0: none), and '' or '=' followed by
 * the value the key must still hold for the write to apply.
 */
export const COMPLETE = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {'lost', redis.call('GET', KEYS[3])} end
local head = redis.call('LINDEX', KEYS[2], 0)
if head and string.sub(head, 1, string.len(ARGV[2])) == ARGV[2] then redis.call('LPOP', KEYS[2]) end
redis.call('SET', KEYS[3], 'done', 'PX', ARGV[3])
for i = 0, tonumber(ARGV[6]) - 1 do
  local at = 7 + i * 5
  local key = KEYS[tonumber(ARGV[at])]
  local cond = ARGV[at + 4]
  if cond == '' or redis.call('GET', key) == string.sub(cond, 2) then
    if ARGV[at + 1] == 'del' then
      redis.call('DEL', key)
    elseif tonumber(ARGV[at + 3]) > 0 then
      redis.call('SET', key, ARGV[at + 2], 'PX', ARGV[at + 3])
    else
      redis.call('SET', key, ARGV[at + 2])
    end
  end
end
local nxt = redis.call('LINDEX', KEYS[2], 0)
if nxt then
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
  return {'next', nxt, redis.call('GET', KEYS[4]), redis.call('GET', KEYS[5])}
end
redis.call('DEL', KEYS[1])
return {'done'}`);

/**
 * Ends a turn whose line looked empty, once the line is out of the pending index: if an entry
 * arrived meanwhile the turn goes on (`{'next', head, session, menu}`), otherwise it is given up
 * (`{'done'}`). KEYS: owner, queue, session, menu. ARGV: holder token, lease ms.
 */
export const FINISH = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {'lost'} end
local head = redis.call('LINDEX', KEYS[2], 0)
if head then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {'next', head, redis.call('GET', KEYS[3]), redis.call('GET', KEYS[4])}
end
redis.call('DEL', KEYS[1])
return {'done'}`);

/** Gives a turn up, leaving its entries queued. KEYS: owner. ARGV: holder token. */
export const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/**
 * Puts a line in the pending index, to be looked at after ARGV[2] ms by Redis's clock; never
 * earlier than it already was to be. KEYS: index. ARGV: line, delay ms.
 */
export const INDEX = new LuaScript(`${NOW_MS}
return redis.call('ZADD', KEYS[1], 'GT', now + tonumber(ARGV[2]), ARGV[1])`);

/**
 * Records a hold in the index of held turns, due when it would lapse (ARGV[2] ms from now by
 * Redis's clock; never earlier than it already was), and removes holds that ended (ARGV[3]
 * onwards) in the same step. ARGV[1] '' records nothing. KEYS: index of held turns.
 */
export const HOLD = new LuaScript(`${NOW_MS}
if ARGV[1] ~= '' then redis.call('ZADD', KEYS[1], 'GT', now + tonumber(ARGV[2]), ARGV[1]) end
if #ARGV > 2 then redis.call('ZREM', KEYS[1], unpack(ARGV, 3)) end
return 1`);

/** Members of an index due to be looked at. KEYS: index. ARGV: most to answer. */
export const DUE = new LuaScript(`${NOW_MS}
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))`);

/** Makes a line due at once, earlier than it was to be if need be. KEYS: index. ARGV: line. */
export const DUE_NOW = new LuaScript(`${NOW_MS}
return redis.call('ZADD', KEYS[1], now, ARGV[1])`);

/** Takes a line out of the index. KEYS: index. ARGV: line. */
export const UNINDEX = new LuaScript(`return redis.call('ZREM', KEYS[1], ARGV[1])`);
