#include "expr/cache.h"

#include <gtest/gtest.h>

#include <thread>

#include "expr/printer.h"

namespace eddy::expr {
namespace {

TEST(ExpressionCache, HitsShareTheParsedTree) {
  ExpressionCache cache(8);
  auto first = cache.condition("a = :v", ExpressionKind::kCondition);
  auto second = cache.condition("a = :v", ExpressionKind::kCondition);
  ASSERT_TRUE(first.is_ok() && second.is_ok());
  EXPECT_EQ(first->get(), second->get());
  EXPECT_EQ(to_string(**first), "(= a :v)");
  // The same text as another kind is another entry (messages name the kind).
  auto filter = cache.condition("a = :v", ExpressionKind::kFilter);
  EXPECT_NE(filter->get(), first->get());
  EXPECT_EQ(cache.stats().hits, 1u);
  EXPECT_EQ(cache.stats().misses, 2u);
}

TEST(ExpressionCache, ErrorsAreReportedAndNotCached) {
  ExpressionCache cache(8);
  for (int i = 0; i < 2; ++i) {
    auto bad = cache.update("SET a");
    ASSERT_FALSE(bad.is_ok());
    EXPECT_EQ(bad.status().message(),
              "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"a\"");
  }
  EXPECT_EQ(cache.stats().size, 0u);
  EXPECT_EQ(cache.stats().misses, 2u);
}

TEST(ExpressionCache, EvictsTheLeastRecentlyUsed) {
  ExpressionCache cache(2);
  ASSERT_TRUE(cache.projection("a").is_ok());
  ASSERT_TRUE(cache.projection("b").is_ok());
  ASSERT_TRUE(cache.projection("a").is_ok());  // a is now the most recent
  ASSERT_TRUE(cache.projection("c").is_ok());  // evicts b
  EXPECT_EQ(cache.stats().size, 2u);
  const auto before = cache.stats().misses;
  ASSERT_TRUE(cache.projection("a").is_ok());
  EXPECT_EQ(cache.stats().misses, before);
  ASSERT_TRUE(cache.projection("b").is_ok());
  EXPECT_EQ(cache.stats().misses, before + 1);
}

TEST(ExpressionCache, ConcurrentUseIsSafe) {
  ExpressionCache cache(16);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string name = std::string("a").append(std::to_string((i + t) % 40));
        auto tree = cache.condition(name + " = :v", ExpressionKind::kCondition);
        ASSERT_TRUE(tree.is_ok());
        ASSERT_EQ(to_string(**tree), std::string("(= ").append(name).append(" :v)"));
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_LE(cache.stats().size, 16u);
}

}  // namespace
}  // namespace eddy::expr
