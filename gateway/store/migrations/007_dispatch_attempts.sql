-- 007_dispatch_attempts: a message whose dispatch keeps failing (a store
-- error tied to that message) must not be retried forever and hold up the
-- messages behind it. core.c counts each failed attempt here and, after
-- CORE_DISPATCH_ATTEMPTS of them, marks the message handled without a
-- reply, with an event 'dispatch.gave_up' saying why.
ALTER TABLE messages ADD COLUMN dispatch_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN dispatch_error TEXT;      -- the last failure's reason
