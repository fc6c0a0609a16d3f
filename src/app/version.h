#pragma once

namespace ragcache::app {
inline constexpr const char* kVersion = "0.1.0";
}
