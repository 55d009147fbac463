// The input helpers every reader uses: regular files only, JSON bounded in
// depth, key order kept without quadratic parsing, output always UTF-8.
#include "torch-keycheck/support/Files.h"
#include "torch-keycheck/support/Json.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace torchkc;

namespace {

struct TempDir {
  std::string Path;
  TempDir() {
    char T[] = "/tmp/torchkc-support-XXXXXX";
    Path = mkdtemp(T);
  }
  ~TempDir() { std::system(("rm -rf '" + Path + "'").c_str()); }
};

} // namespace

TEST(FilesTest, ReadsARegularFileUpToTheLimit) {
  TempDir D;
  std::ofstream(D.Path + "/f") << "0123456789";
  uint64_t Size = 0;
  EXPECT_EQ(readRegularFile(D.Path + "/f", 4, &Size), "0123");
  EXPECT_EQ(Size, 10u);
  EXPECT_EQ(regularFileProblem(D.Path + "/f"), "");
}

TEST(FilesTest, RefusesWhatWouldBlockOrNeverEnd) {
  TempDir D;
  ASSERT_EQ(mkfifo((D.Path + "/fifo").c_str(), 0600), 0);
  // Returns at once: a blocking open of a FIFO without a writer would not.
  EXPECT_EQ(regularFileProblem(D.Path + "/fifo"),
            "not a regular file (a FIFO)");
  EXPECT_THROW(readRegularFile(D.Path + "/fifo", 100), FileError);
  EXPECT_EQ(regularFileProblem("/dev/zero"),
            "not a regular file (a character device)");
  EXPECT_EQ(regularFileProblem(D.Path), "not a regular file (a directory)");
  EXPECT_EQ(regularFileProblem(D.Path + "/none"), "no such file");
  EXPECT_EQ(regularFileProblem(std::string("a\0b", 3)),
            "a file name with a NUL byte");
}

TEST(JsonTest, DepthIsCheckedBeforeParsing) {
  EXPECT_EQ(jsonDepthProblem("[[1]]", 2), "");
  EXPECT_EQ(jsonDepthProblem("[[[1]]]", 2), "nested deeper than 2 levels at byte 2");
  // Brackets inside strings, escaped quotes included, do not count.
  EXPECT_EQ(jsonDepthProblem(R"(["[[[\"[[[", 1])", 2), "");
  std::string Deep(1000000, '[');
  nlohmann::json J;
  std::string Error;
  EXPECT_FALSE(parseJson(Deep + std::string(1000000, ']'), J, Error));
  EXPECT_EQ(Error, "JSON nested deeper than 200 levels at byte 200");
  EXPECT_FALSE(parseJson("{", J, Error));
  EXPECT_EQ(Error.rfind("not valid JSON: ", 0), 0u);
}

TEST(JsonTest, KeyOrderIsTheFileOrder) {
  nlohmann::json J;
  std::string Error;
  JsonKeyOrder Order;
  ASSERT_TRUE(parseJson(R"({"z": 1, "m": {"b": 1, "a": [{"q": 1}]}, "a": 2})",
                        J, Error, &Order));
  EXPECT_EQ(Order.Top, (std::vector<std::string>{"z", "m", "a"}));
  EXPECT_EQ(Order.Member["m"], (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(Order.Repeated, "");
  JsonKeyOrder Twice;
  ASSERT_TRUE(parseJson(R"({"m": {"b": 1, "b": 2}})", J, Error, &Twice));
  EXPECT_EQ(Twice.Repeated, "m/b");
}

TEST(JsonTest, OutputReplacesInvalidUtf8) {
  nlohmann::json J = {{"name", std::string("caf\xe9")},
                      {"lone", std::string("\xed\xa0\x80")}};
  std::string Out = dumpJson(J);
  EXPECT_TRUE(nlohmann::json::accept(Out));
  EXPECT_NE(Out.find("caf\xef\xbf\xbd"), std::string::npos);
}
