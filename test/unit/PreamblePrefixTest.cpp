// The leading directives one PCH stands for in every unit that starts with
// them: comments do not matter, directives whose effect could differ when
// run twice end the prefix.
#include "torch-keycheck/cache/PreamblePrefix.h"

#include <gtest/gtest.h>

using namespace torchkc;

namespace {

TEST(PreamblePrefixTest, CommentsAroundDirectivesDoNotMatter) {
  PreamblePrefix A = preamblePrefix("// RUN: one\n#include <torch/torch.h>\n");
  PreamblePrefix B = preamblePrefix(
      "/* licence\n   text */\n\n#include <torch/torch.h>  \n// RUN: two\n");
  EXPECT_EQ(A.Text, "#include <torch/torch.h>\n");
  EXPECT_EQ(B.Text, "#include <torch/torch.h>  \n");
  EXPECT_FALSE(A.Quoted);
}

TEST(PreamblePrefixTest, IncludesAndDefinesInOrder) {
  PreamblePrefix P = preamblePrefix("#define _USE_MATH_DEFINES\n"
                                    "#include <cmath>\n"
                                    "#  include \"net.h\" // the model\n"
                                    "#define WIDE(x) \\\n  ((x) * 2)\n");
  EXPECT_EQ(P.Text, "#define _USE_MATH_DEFINES\n#include <cmath>\n"
                    "#  include \"net.h\" // the model\n"
                    "#define WIDE(x) \\\n  ((x) * 2)\n");
  EXPECT_TRUE(P.Quoted);
}

TEST(PreamblePrefixTest, MacroIncludeIsLookedUpLikeAQuotedOne) {
  EXPECT_TRUE(preamblePrefix("#define H <vector>\n#include H\n").Quoted);
}

TEST(PreamblePrefixTest, StopsAtDirectivesThatDifferWhenRunTwice) {
  EXPECT_EQ(preamblePrefix("#include <a.h>\n#ifdef WIN\n#include <b.h>\n")
                .Text,
            "#include <a.h>\n");
  EXPECT_EQ(preamblePrefix("#include <a.h>\n#undef X\n#include <b.h>\n").Text,
            "#include <a.h>\n");
  EXPECT_EQ(preamblePrefix("#define X 1\n#define X 2\n").Text,
            "#define X 1\n");
  EXPECT_EQ(preamblePrefix("#include <a.h>\n#pragma pack(1)\n#include <b.h>\n")
                .Text,
            "#include <a.h>\n");
  EXPECT_EQ(preamblePrefix("#include_next <a.h>\n").Text, "");
  EXPECT_EQ(preamblePrefix("#include <a.h> /* a comment\n that runs on */\n")
                .Text,
            "");
}

TEST(PreamblePrefixTest, HeaderGuardsAreLeftOutAndNamed) {
  PreamblePrefix P = preamblePrefix(
      "#pragma once\n#ifndef NET_H\n#define NET_H\n#include <torch/torch.h>\n");
  EXPECT_EQ(P.Text, "#include <torch/torch.h>\n");
  ASSERT_EQ(P.Guards.size(), 1u);
  EXPECT_EQ(P.Guards[0], "NET_H");
  // Not a guard: a conditional.
  EXPECT_EQ(preamblePrefix("#ifndef NET_H\n#include <a.h>\n").Text, "");
  // Only where the file opens.
  EXPECT_EQ(preamblePrefix("#include <a.h>\n#ifndef B\n#define B\n").Text,
            "#include <a.h>\n");
}

TEST(PreamblePrefixTest, CarriageReturnsAndEmptyText) {
  EXPECT_EQ(preamblePrefix("#include <a.h>\r\n#include <b.h>\r\n").Text,
            "#include <a.h>\n#include <b.h>\n");
  EXPECT_TRUE(preamblePrefix("").empty());
  EXPECT_TRUE(preamblePrefix("// only a comment\n").empty());
  EXPECT_TRUE(preamblePrefix("/* unterminated").empty());
}

} // namespace
