-- Prelude, not a script of its own: scripts.cc puts it before each script that checks who holds
-- a lock. A lock key holds "<token>:<fence>" and, once an acquirer was refused while it was held,
-- the waiters mark '~' after it (lock_acquire.lua appends it; APPEND keeps the TTL): the release
-- wakes waiters then, and only then, so an uncontended release checks nothing else.
-- held_by(current content of the key (false when missing), the holder's value)
local function held_by(current, value) return current == value or current == value .. '~' end
