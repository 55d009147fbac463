// The per-unit result cache: entries valid exactly while their files keep
// their content, and findings that survive the round trip whole.
#include "torch-keycheck/cache/ResultCache.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace torchkc;

namespace {

class ResultCacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    llvm::SmallString<128> D;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("torchkc-cache", D));
    Dir = std::string(D);
  }
  void TearDown() override { llvm::sys::fs::remove_directories(Dir); }
  std::string write(const std::string &Name, const std::string &Text) {
    std::string Path = Dir + "/" + Name;
    std::ofstream(Path) << Text;
    return Path;
  }
  std::string Dir;
};

TEST_F(ResultCacheTest, HitWhileEveryFileKeepsItsContent) {
  ResultCache Cache(Dir + "/cache");
  std::string A = write("a.h", "int a;"), B = write("b.h", "int b;");
  EXPECT_FALSE(Cache.lookup("key"));
  Cache.store("key", {A, B}, "result");
  EXPECT_EQ(Cache.lookup("key"), "result");
  EXPECT_FALSE(Cache.lookup("other key"));
  write("b.h", "int b;"); // rewritten, same content: still valid
  EXPECT_EQ(Cache.lookup("key"), "result");
  write("b.h", "int c;");
  EXPECT_FALSE(Cache.lookup("key"));
}

TEST_F(ResultCacheTest, AFileThatAppearsInvalidates) {
  ResultCache Cache(Dir + "/cache");
  std::string Missing = Dir + "/later.json";
  Cache.store("key", {Missing}, "result");
  EXPECT_EQ(Cache.lookup("key"), "result");
  write("later.json", "{}");
  EXPECT_FALSE(Cache.lookup("key"));
}

TEST_F(ResultCacheTest, DamagedEntriesAreMisses) {
  ResultCache Cache(Dir + "/cache");
  Cache.store("key", {}, "result");
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(Dir + "/cache", EC), End;
       It != End && !EC; It.increment(EC))
    std::ofstream(It->path()) << "{\"version\": 1, \"key\": \"key\"";
  EXPECT_FALSE(Cache.lookup("key"));
}

TEST_F(ResultCacheTest, EntriesOfTheWrongShapeAreMisses) {
  // Valid JSON whose fields have other types (once an uncaught
  // nlohmann type_error that aborted the run).
  for (const char *Entry :
       {R"({"version": "1", "key": "key", "files": {}, "result": "r"})",
        R"({"version": 1, "key": 7, "files": {}, "result": "r"})",
        R"({"version": 1, "key": "key", "files": [1], "result": "r"})",
        R"({"version": 1, "key": "key", "files": {"a": 3}, "result": "r"})",
        R"([1, 2, 3])", R"("text")", R"(null)"}) {
    ResultCache Cache(Dir + "/cache");
    Cache.store("key", {}, "result");
    std::error_code EC;
    for (llvm::sys::fs::directory_iterator It(Dir + "/cache", EC), End;
         It != End && !EC; It.increment(EC))
      std::ofstream(It->path()) << Entry;
    EXPECT_FALSE(Cache.lookup("key")) << Entry;
  }
  // Findings of the wrong shape are an exception the caller turns into a
  // miss, never an abort.
  EXPECT_ANY_THROW(findingsFromCacheJson(R"([{"check": 3}])"));
  EXPECT_ANY_THROW(findingsFromCacheJson("[{"));
}

TEST_F(ResultCacheTest, NoDirectoryNoCache) {
  ResultCache Cache("");
  Cache.store("key", {}, "result");
  EXPECT_FALSE(Cache.lookup("key"));
}

TEST(FindingsCacheJsonTest, RoundTripKeepsEveryField) {
  Finding F;
  F.Check = CheckId::CheckpointRenamed;
  F.Level = Severity::Error;
  F.Loc = {"/src/model.h", 12, 5};
  F.Message = "'fc_out' is 'fc' in the checkpoint";
  F.Notes = {{{"/src/model.h", 3, 1}, "note"}, {{}, "no location"}};
  F.Fixes = {{{"/src/model.h", 12, 21}, 8, "\"fc\""}};
  F.Keys = {"fc.weight", "fc.bias"};
  F.Configuration = {{"width", "32"}, {"aux", "true"}};
  std::vector<Finding> Back =
      findingsFromCacheJson(findingsToCacheJson({F, Finding()}));
  ASSERT_EQ(Back.size(), 2u);
  const Finding &G = Back[0];
  EXPECT_EQ(G.Check, F.Check);
  EXPECT_EQ(G.Level, F.Level);
  EXPECT_EQ(G.Loc.str(), F.Loc.str());
  EXPECT_EQ(G.Message, F.Message);
  ASSERT_EQ(G.Notes.size(), 2u);
  EXPECT_EQ(G.Notes[0].Loc.str(), "/src/model.h:3:1");
  EXPECT_FALSE(G.Notes[1].Loc.valid());
  ASSERT_EQ(G.Fixes.size(), 1u);
  EXPECT_EQ(G.Fixes[0].Length, 8u);
  EXPECT_EQ(G.Fixes[0].Replacement, "\"fc\"");
  EXPECT_EQ(G.Keys, F.Keys);
  EXPECT_EQ(G.Configuration, F.Configuration);
}

} // namespace
