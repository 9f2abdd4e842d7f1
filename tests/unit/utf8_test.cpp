#include "server/utf8.hpp"

#include <gtest/gtest.h>

using namespace overlap::server;

TEST(utf8, well_formed_text_is_valid_and_left_untouched) {
  for (std::string text : {"", "ascii", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF"}) {
    EXPECT_TRUE(is_valid_utf8(text)) << text;
    const auto before = text;
    replace_invalid_utf8(text);
    EXPECT_EQ(text, before);
  }
}

TEST(utf8, overlong_forms_surrogates_and_values_past_u_10ffff_are_invalid) {
  for (const char* text :
       {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF", "\x80", "\xE2\x82"}) {
    EXPECT_FALSE(is_valid_utf8(text)) << ::testing::PrintToString(text);
  }
}

TEST(utf8, each_maximal_invalid_subpart_becomes_one_replacement_character) {
  std::string text = "a\xE2\x82z\xFF\xFE"
                     "b";
  replace_invalid_utf8(text);
  EXPECT_EQ(text, "a\xEF\xBF\xBDz\xEF\xBF\xBD\xEF\xBF\xBD"
                  "b"); // a truncated sequence is one; two bad bytes are two
  EXPECT_TRUE(is_valid_utf8(text));
}
