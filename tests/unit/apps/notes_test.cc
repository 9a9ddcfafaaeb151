// The notes app's pure parts: counting words as the issue defines them.
#include <gtest/gtest.h>

#include "apps/notes/notes.h"

namespace eddy::apps::notes {
namespace {

TEST(CountWords, TheSeedsSentenceHasTenWords) {
  EXPECT_EQ(count_words("Lorem ipsum dolor sit amet, consectetur adipiscing elit. Nulla vitae."),
            10u);
}

TEST(CountWords, RunsOfAnyUnicodeWhitespaceSeparateWords) {
  EXPECT_EQ(count_words(""), 0u);
  EXPECT_EQ(count_words("   \t\n "), 0u);
  EXPECT_EQ(count_words("one"), 1u);
  EXPECT_EQ(count_words("  two   words  "), 2u);  // the seed's split(' ') would say 7
  EXPECT_EQ(count_words("tab\tnew\nline\r\nfeed\fvertical\vend"), 6u);
  EXPECT_EQ(count_words("no\u00a0break"), 2u);           // NO-BREAK SPACE
  EXPECT_EQ(count_words("ideographic\u3000space"), 2u);  // U+3000
  EXPECT_EQ(count_words("em\u2003space\u2028line\u2029para\u0085next"), 5u);
  EXPECT_EQ(count_words("narrow\u202fno\u205fmath\u1680ogham"), 4u);
  // Not whitespace: zero-width space, letters of other scripts, emoji.
  EXPECT_EQ(count_words("zero\u200bwidth"), 1u);
  EXPECT_EQ(count_words("日本語 のテキスト"), 2u);
  EXPECT_EQ(count_words("🙂 ok"), 2u);
  // Invalid UTF-8 bytes are word characters, never a crash.
  EXPECT_EQ(count_words(std::string("a\xff b\xe2", 5)), 2u);
}

}  // namespace
}  // namespace eddy::apps::notes
