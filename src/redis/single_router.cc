#include "redis/single_router.h"

namespace ragcache::redis {

boost::asio::awaitable<Result<std::vector<Endpoint>>> SingleRouter::primaries() {
  co_return std::vector<Endpoint>{pool_.endpoint()};
}

}  // namespace ragcache::redis
