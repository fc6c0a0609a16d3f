#pragma once

namespace ragcache::testing {

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
// Harnesses retry server start-up on the rare race where someone takes it in between.
int free_port();

}  // namespace ragcache::testing
