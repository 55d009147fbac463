// Golden manifests and the key drift against them, on hand-built key sets;
// and the project file that names them.
#include "torch-keycheck/project/Golden.h"
#include "torch-keycheck/project/Project.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace torchkc;

namespace {

Key key(const std::string &Name, std::vector<int64_t> Shape,
        Key::Kind K = Key::Kind::Parameter) {
  Key R;
  R.Name = Name;
  R.K = K;
  R.Shape.emplace();
  for (int64_t D : Shape)
    R.Shape->push_back({D, ""});
  R.DType = "float32";
  R.Loc = {"model.h", 3, 5};
  return R;
}

ModelKeys model(std::vector<Key> Keys) {
  ModelKeys M;
  M.Class = "NetImpl";
  M.Loc = {"model.h", 1, 8};
  M.Keys = std::move(Keys);
  return M;
}

std::string diff(const ModelKeys &Now, const ModelKeys &Before) {
  return renderKeyDiff(diffWithGolden(Now, goldenManifest(Before)));
}

TEST(GoldenTest, UnchangedKeysHaveNoDrift) {
  ModelKeys M = model({key("fc.weight", {4, 8}), key("fc.bias", {4}),
                       key("bn.running_mean", {4}, Key::Kind::Buffer)});
  EXPECT_TRUE(diffWithGolden(M, goldenManifest(M)).empty());
  // Also through the file's text.
  EXPECT_TRUE(
      diffWithGolden(M, manifestFromJson(goldenToJson(goldenManifest(M))))
          .empty());
}

TEST(GoldenTest, GoldenTextIsOneKeyPerLine) {
  Manifest G = goldenManifest(
      model({key("fc.weight", {4, 8}), key("scale", {}, Key::Kind::Buffer)}));
  EXPECT_EQ(goldenToJson(G),
            "{\n"
            "  \"version\": 1,\n"
            "  \"format\": \"predicted\",\n"
            "  \"source\": \"NetImpl\",\n"
            "  \"keys\": [\n"
            "    {\"name\": \"fc.weight\", \"shape\": [4, 8], \"dtype\": "
            "\"float32\", \"kind\": \"parameter\"},\n"
            "    {\"name\": \"scale\", \"shape\": [], \"dtype\": \"float32\", "
            "\"kind\": \"buffer\"}\n"
            "  ]\n"
            "}\n");
}

TEST(GoldenTest, AddedRemovedReshaped) {
  ModelKeys Before = model({key("fc.weight", {4, 8}), key("old", {2})});
  ModelKeys Now = model({key("fc.weight", {4, 16}), key("new", {3})});
  EXPECT_EQ(diff(Now, Before), "~ fc.weight [4, 8] -> [4, 16]\n"
                               "+ new [3] float32\n"
                               "- old [2] float32\n");
}

TEST(GoldenTest, DTypeAndKindChangesAreShown) {
  ModelKeys Before = model({key("a", {2}), key("b", {2})});
  ModelKeys Now = Before;
  Now.Keys[0].DType = "float64";
  Now.Keys[1].K = Key::Kind::Buffer;
  EXPECT_EQ(diff(Now, Before), "~ a [2] float32 -> [2] float64\n"
                               "~ b [2] parameter -> [2] buffer\n");
}

TEST(GoldenTest, ShiftedContainerIndicesAreMoves) {
  // Sequential(Linear, ReLU) became Sequential(Dropout, Linear, ReLU).
  ModelKeys Before =
      model({key("body.0.weight", {4, 4}), key("body.0.bias", {4})});
  ModelKeys Now =
      model({key("body.1.weight", {4, 4}), key("body.1.bias", {4})});
  EXPECT_EQ(diff(Now, Before), "> body.0.weight -> body.1.weight [4, 4]\n"
                               "> body.0.bias -> body.1.bias [4]\n");
  // Another shape under another index is not the same tensor.
  ModelKeys Other =
      model({key("body.1.weight", {8, 4}), key("body.1.bias", {4})});
  EXPECT_EQ(diff(Other, Before), "+ body.1.weight [8, 4] float32\n"
                                 "> body.0.bias -> body.1.bias [4]\n"
                                 "- body.0.weight [4, 4] float32\n");
}

TEST(GoldenTest, ReorderedParametersAreTheFewestThatMoved) {
  ModelKeys Before =
      model({key("a", {1}), key("b", {1}), key("c", {1}), key("d", {1})});
  ModelKeys Now =
      model({key("d", {1}), key("a", {1}), key("b", {1}), key("c", {1})});
  EXPECT_EQ(diff(Now, Before), "^ d (another position among the parameters)\n");
  // Buffers are matched by name: their order is no one's concern.
  ModelKeys BufBefore = model(
      {key("x", {1}, Key::Kind::Buffer), key("y", {1}, Key::Kind::Buffer)});
  ModelKeys BufNow = model(
      {key("y", {1}, Key::Kind::Buffer), key("x", {1}, Key::Kind::Buffer)});
  EXPECT_EQ(diff(BufNow, BufBefore), "");
}

TEST(GoldenTest, UnknownKindsAndDTypesOfACheckpointDoNotCount) {
  ModelKeys M = model({key("w", {2})});
  Manifest Checkpoint;
  Checkpoint.Keys = {{"w", {2}, "", ManifestKey::Kind::Unknown}};
  EXPECT_TRUE(diffWithGolden(M, Checkpoint).empty());
}

TEST(GoldenTest, FindingHasANotePerChange) {
  ModelKeys Before = model({key("a", {1}), key("b", {1})});
  ModelKeys Now = model({key("b", {1}), key("a", {2})});
  std::vector<KeyChange> Changes = diffWithGolden(Now, goldenManifest(Before));
  EXPECT_EQ(driftSummary(Changes), "1 reshaped, 1 reordered");
  Finding F = goldenDriftFinding(Now, Changes, "/nonexistent/golden.json",
                                 "golden.json");
  EXPECT_EQ(F.Check, CheckId::GoldenDrift);
  EXPECT_EQ(F.Level, Severity::Error);
  EXPECT_EQ(F.Message, "the keys of 'NetImpl' differ from golden "
                       "'golden.json': 1 reshaped, 1 reordered");
  ASSERT_EQ(F.Notes.size(), 3u);
  EXPECT_EQ(F.Notes[2].Message, "if the change is intended, update the "
                                "golden with 'torch-keycheck golden --update'");
}

class ProjectTest : public ::testing::Test {
protected:
  void SetUp() override {
    llvm::SmallString<128> D;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("torchkc-project", D));
    Dir = std::string(D);
    llvm::SmallString<128> Sub(D);
    llvm::sys::path::append(Sub, "src", "models");
    ASSERT_FALSE(llvm::sys::fs::create_directories(Sub));
    SubDir = std::string(Sub);
  }
  void TearDown() override { llvm::sys::fs::remove_directories(Dir); }
  std::string write(const std::string &Text) {
    std::string Path = Dir + "/" + ProjectFileName;
    std::ofstream(Path) << Text;
    return Path;
  }
  std::string error(const std::string &Text) {
    Project P;
    std::string Error;
    EXPECT_FALSE(loadProject(write(Text), P, Error));
    return Error.substr(Error.find(": ") + 2);
  }
  std::string Dir, SubDir;
};

TEST_F(ProjectTest, FoundAboveTheSource) {
  EXPECT_FALSE(findProjectFile(SubDir));
  std::string Path = write(R"({"version": 1})");
  EXPECT_EQ(findProjectFile(SubDir), Path);
}

TEST_F(ProjectTest, PathsAreRelativeToTheProjectFile) {
  Project P;
  std::string Error;
  ASSERT_TRUE(loadProject(write(R"({"version": 1,
      "checkpointRoot": "ckpt",
      "models": [{"class": "Net", "name": "small", "define": {"hidden": 8},
                  "golden": "golden/../golden/net.json"}],
      "loadPaths": {"opts.weights": "ckpt/net.pt"}})"),
                          P, Error))
      << Error;
  EXPECT_EQ(P.CheckpointRoot, Dir + "/ckpt");
  ASSERT_EQ(P.Models.size(), 1u);
  EXPECT_EQ(P.Models[0].Golden, Dir + "/golden/net.json");
  EXPECT_EQ(P.Models[0].Model.Config.Name, "small");
  EXPECT_EQ(P.Models[0].Model.Config.Defines.at("hidden")->str(), "8");
  EXPECT_EQ(P.checkpointFor("opts.weights"), Dir + "/ckpt/net.pt");
  EXPECT_EQ(P.checkpointFor("other"), "");
}

TEST_F(ProjectTest, ProblemsAreNamed) {
  EXPECT_NE(error("{").find("not valid JSON"), std::string::npos);
  EXPECT_EQ(error("[]"), "expected a JSON object");
  EXPECT_EQ(error(R"({"version": 2})"), "\"version\" must be 1");
  EXPECT_EQ(error(R"({"version": 1, "golden": "x"})"),
            "unknown field \"golden\" (expected version, checkpointRoot, "
            "models, loadPaths)");
  EXPECT_EQ(error(R"({"version": 1, "models": [{"class": "Net"}]})"),
            "models[0]: needs a \"golden\" path");
  EXPECT_EQ(error(R"({"version": 1, "models": [{"golden": "g.json"}]})"),
            "models[0]: needs a \"class\" string (or a \"function\" "
            "string for a function model)");
  EXPECT_EQ(error(R"({"version": 1, "models": [{"class": "", "golden": "g.json"}]})"),
            "models[0]: \"class\" is empty");
  EXPECT_EQ(error(R"({"version": 1, "models": [
      {"class": "A", "golden": "g.json"}, {"class": "B", "golden": "g.json"}]})"),
            "models[1]: golden 'g.json' is already another model's");
  EXPECT_EQ(error(R"({"version": 1, "loadPaths": {"x": 1}})"),
            "loadPaths \"x\" must be a path string");
}

} // namespace
