// Check filters, NOLINT comments and the text rendering of findings.
#include "torch-keycheck/output/FindingsOutput.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <unistd.h>

using namespace torchkc;

namespace {

TEST(FindingsTest, GlobsMatchWholeNames) {
  EXPECT_TRUE(globMatch("torch-*", "torch-duplicate-key"));
  EXPECT_TRUE(globMatch("*", ""));
  EXPECT_TRUE(globMatch("*-key", "torch-duplicate-key"));
  EXPECT_TRUE(globMatch("torch-*-key", "torch-unresolved-key"));
  EXPECT_FALSE(globMatch("torch-dup", "torch-duplicate-key"));
  EXPECT_FALSE(globMatch("*-keys", "torch-duplicate-key"));
}

TEST(FindingsTest, LaterGlobsWinAndDashRemoves) {
  CheckFilter F("torch-*, -torch-conditional-registration");
  EXPECT_TRUE(F.matches("torch-duplicate-key"));
  EXPECT_FALSE(F.matches("torch-conditional-registration"));
  CheckFilter G("-*,torch-conditional-registration");
  EXPECT_TRUE(G.matches("torch-conditional-registration"));
  EXPECT_FALSE(G.matches("torch-duplicate-key"));
  EXPECT_FALSE(CheckFilter("").matches("torch-duplicate-key"));
}

/// A finding at Line of a file holding Text.
class SourceFileTest : public ::testing::Test {
protected:
  void write(const std::string &Text) { std::ofstream(Path) << Text; }
  void TearDown() override { std::remove(Path.c_str()); }
  bool suppressed(unsigned Line, const std::string &Check) {
    SourceLines Lines; // fresh: each test writes its own file
    Finding F;
    F.Check = *checkNamed(Check);
    F.Loc = {Path, Line, 1};
    return isSuppressed(F, Lines);
  }
  // One file per test and process: ctest runs these tests in parallel.
  std::string Path =
      ::testing::TempDir() + "torchkc-nolint-" +
      ::testing::UnitTest::GetInstance()->current_test_info()->name() + "-" +
      std::to_string(::getpid()) + ".cpp";
};

TEST_F(SourceFileTest, NolintOnTheLine) {
  write("a(); // NOLINT\n"
        "b(); // NOLINT(torch-duplicate-key)\n"
        "c(); // NOLINT(torch-dup*, torch-invalid-key-name)\n"
        "d();\n");
  EXPECT_TRUE(suppressed(1, "torch-unresolved-key"));
  EXPECT_TRUE(suppressed(2, "torch-duplicate-key"));
  EXPECT_FALSE(suppressed(2, "torch-invalid-key-name"));
  EXPECT_TRUE(suppressed(3, "torch-invalid-key-name"));
  EXPECT_TRUE(suppressed(3, "torch-duplicate-key"));
  EXPECT_FALSE(suppressed(4, "torch-duplicate-key"));
}

TEST_F(SourceFileTest, NolintNextLineCoversOnlyTheNextLine) {
  write("// NOLINTNEXTLINE(torch-duplicate-key)\n"
        "a();\n"
        "b();\n");
  EXPECT_TRUE(suppressed(2, "torch-duplicate-key"));
  EXPECT_FALSE(suppressed(2, "torch-unresolved-key"));
  EXPECT_FALSE(suppressed(3, "torch-duplicate-key"));
  // NOLINT on the previous line is not NOLINTNEXTLINE.
  write("a(); // NOLINT\n"
        "b();\n");
  EXPECT_FALSE(suppressed(2, "torch-duplicate-key"));
}

TEST_F(SourceFileTest, BeginEndRegions) {
  write("// NOLINTBEGIN(torch-conditional-registration)\n"
        "a();\n"
        "// NOLINTEND(torch-conditional-registration)\n"
        "b();\n");
  EXPECT_TRUE(suppressed(2, "torch-conditional-registration"));
  EXPECT_FALSE(suppressed(2, "torch-duplicate-key"));
  EXPECT_FALSE(suppressed(4, "torch-conditional-registration"));
}

TEST_F(SourceFileTest, UnclosedListIsIgnored) {
  write("a(); // NOLINT(torch-duplicate-key\n");
  EXPECT_FALSE(suppressed(1, "torch-duplicate-key"));
}

TEST_F(SourceFileTest, TextHasCaretsAndNotes) {
  write("struct A {\n"
        "\tint fc;\n"
        "};\n");
  SourceLines Lines;
  Finding F{CheckId::DuplicateKey,
            {Path, 2, 6},
            "'fc' twice",
            {{{Path, 1, 1}, "first here"}}};
  RenderOptions Opts;
  // As clang prints it (its TextDiagnostic): a line-number gutter, the tab
  // expanded to its stop, the caret under the column.
  EXPECT_EQ(renderFindingsText({F}, Lines, Opts),
            Path +
                ":2:6: error: 'fc' twice [torch-duplicate-key]\n"
                "    2 |         int fc;\n"
                "      |             ^\n" +
                Path +
                ":1:1: note: first here\n"
                "    1 | struct A {\n"
                "      | ^\n");
  // A file that cannot be read: the location and the message alone.
  Finding Gone{CheckId::DuplicateKey, {Path + ".gone", 3, 4}, "'fc' twice"};
  EXPECT_EQ(renderFindingsText({Gone}, Lines, Opts),
            Path + ".gone:3:4: error: 'fc' twice [torch-duplicate-key]\n");
  // Warnings become errors when --warnings-as-errors matches.
  F.Level = Severity::Warning;
  Opts.WarningsAsErrors = CheckFilter("torch-dup*");
  EXPECT_EQ(effectiveSeverity(F, Opts), Severity::Error);
  EXPECT_NE(renderFindingsText({F}, Lines, Opts)
                .find("error: 'fc' twice [torch-duplicate-key,-warnings-as-"
                      "errors]"),
            std::string::npos);
}

} // namespace

TEST(CheckDocsTest, EveryCheckHasItsPage) {
  for (const CheckInfo &C : allChecks()) {
    const std::string &Page = checkDocumentation(C.Id);
    EXPECT_EQ(Page.rfind(std::string("# ") + C.Name + "\n", 0), 0u)
        << C.Name << ": docs/checks/" << C.Name << ".md missing or untitled";
    std::string Description = checkDescription(C.Id);
    EXPECT_GT(Description.size(), 20u) << C.Name;
    EXPECT_EQ(Description.find('\n'), std::string::npos) << C.Name;
    EXPECT_NE(Description.rfind("**", 0), 0u) << C.Name;
  }
  EXPECT_EQ(checkDescription(CheckId::DuplicateKey),
            "The same name is registered twice on one path through the "
            "constructor.");
  EXPECT_EQ(checkHelpUri(CheckId::DuplicateKey, "0.1.0"),
            "https://github.com/torch-keycheck/torch-keycheck/blob/v0.1.0/"
            "docs/checks/torch-duplicate-key.md");
}
