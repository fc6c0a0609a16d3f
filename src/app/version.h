#pragma once

#include "ragcache/version.h"  // generated from project(ragcache VERSION ...)

namespace ragcache::app {
inline constexpr const char* kVersion = RAGCACHE_VERSION;
}
