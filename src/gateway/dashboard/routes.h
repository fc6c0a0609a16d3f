// GET /dashboard (the page) and GET /dashboard/{file} (its script, styles and icon).
//
// The page reads the gateway's own endpoints (/metrics, /v1/ragcache/stats, /v1/ragcache/hot,
// /readyz) from the browser, so it needs no server-side state of its own. Every response has a
// strict Content-Security-Policy (this origin only, no inline script or style), an ETag and
// `Cache-Control: no-cache` (the browser keeps the file but revalidates: a new binary's page is
// picked up at once, an unchanged one costs a 304).
#pragma once

#include <string_view>

#include "gateway/dashboard/assets.h"
#include "http/response.h"
#include "http/router.h"

namespace ragcache::dashboard {

inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// The response for an asset: 200 with the body, or 304 when If-None-Match names its ETag.
http::Response asset_response(const Asset& asset, std::string_view if_none_match);

void add_dashboard_routes(http::Router& router);

}  // namespace ragcache::dashboard
