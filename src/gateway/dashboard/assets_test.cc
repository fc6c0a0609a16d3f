#include "gateway/dashboard/assets.h"

#include <gtest/gtest.h>

#include "gateway/dashboard/routes.h"

namespace ragcache::dashboard {
namespace {

std::string header(const http::Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

TEST(DashboardAssets, ContentTypeByExtension) {
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("icon.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("archive.tar"), "application/octet-stream");
  EXPECT_EQ(content_type_for(".js"), "application/octet-stream");  // no name before the extension
  EXPECT_EQ(content_type_for("js"), "application/octet-stream");
}

TEST(DashboardAssets, EtagFollowsTheBytes) {
  EXPECT_EQ(etag_of("a"), etag_of("a"));
  EXPECT_NE(etag_of("a"), etag_of("b"));
  const std::string tag = etag_of("body");
  ASSERT_GE(tag.size(), 3u);
  EXPECT_EQ(tag.front(), '"');
  EXPECT_EQ(tag.back(), '"');
}

TEST(DashboardAssets, IfNoneMatchLists) {
  const std::string tag = "\"abc\"";
  EXPECT_TRUE(etag_matches("\"abc\"", tag));
  EXPECT_TRUE(etag_matches("W/\"abc\"", tag));
  EXPECT_TRUE(etag_matches("\"x\", \"abc\"", tag));
  EXPECT_TRUE(etag_matches(" * ", tag));
  EXPECT_FALSE(etag_matches("\"abcd\"", tag));
  EXPECT_FALSE(etag_matches("abc", tag));  // unquoted is not the same tag
  EXPECT_FALSE(etag_matches("", tag));
  EXPECT_FALSE(etag_matches(",,", tag));
}

TEST(DashboardAssets, TableFindsByFileNameOnly) {
  const SourceFile files[] = {{"index.html", "<html></html>"}, {"app.js", "let x = 1;"}};
  AssetTable table(files);
  const Asset* js = table.find("app.js");
  ASSERT_NE(js, nullptr);
  EXPECT_EQ(js->body, "let x = 1;");
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js->etag, etag_of("let x = 1;"));
  EXPECT_EQ(table.find("missing.js"), nullptr);
  EXPECT_EQ(table.find(""), nullptr);
  EXPECT_EQ(table.find("../app.js"), nullptr);
  EXPECT_EQ(table.find("web/app.js"), nullptr);
}

TEST(DashboardAssets, EmbeddedPageAndItsFilesArePresent) {
  // index.html references these by name; the build embeds every file of web/.
  const auto& table = embedded_assets();
  for (const char* name : {"index.html", "app.js", "prom.js", "style.css", "icon.svg"}) {
    const Asset* a = table.find(name);
    ASSERT_NE(a, nullptr) << name;
    EXPECT_FALSE(a->body.empty()) << name;
  }
  const std::string_view html = table.find("index.html")->body;
  for (const char* ref : {"/dashboard/app.js", "/dashboard/style.css", "/dashboard/icon.svg"}) {
    EXPECT_NE(html.find(ref), std::string_view::npos) << ref;
  }
  // Self-contained: nothing is loaded from another origin (an XML namespace name is not a load).
  for (const auto& a : table.all()) {
    std::string body(a.body);
    for (std::size_t p; (p = body.find("http://www.w3.org/")) != std::string::npos;) body.erase(p, 18);
    EXPECT_EQ(body.find("http://"), std::string::npos) << a.name;
    EXPECT_EQ(body.find("https://"), std::string::npos) << a.name;
    EXPECT_EQ(body.find("//cdn"), std::string::npos) << a.name;
  }
}

TEST(DashboardRoutes, AssetResponseCarriesCachingAndSecurityHeaders) {
  const SourceFile files[] = {{"app.js", "let x = 1;"}};
  AssetTable table(files);
  const Asset& a = *table.find("app.js");
  auto r = asset_response(a, "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "let x = 1;");
  EXPECT_EQ(r.content_type, a.content_type);
  EXPECT_EQ(header(r, "ETag"), a.etag);
  EXPECT_EQ(header(r, "Cache-Control"), "no-cache");
  const std::string csp = header(r, "Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff");

  auto revalidated = asset_response(a, a.etag);
  EXPECT_EQ(revalidated.status, 304);
  EXPECT_TRUE(revalidated.body.empty());
  EXPECT_EQ(header(revalidated, "ETag"), a.etag);

  EXPECT_EQ(asset_response(a, "\"stale\"").status, 200);
}

}  // namespace
}  // namespace ragcache::dashboard
