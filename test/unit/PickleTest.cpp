// The restricted unpickler's limits and opcodes, on hand-made pickles.
#include "torch-keycheck/checkpoint/Pickle.h"
#include "torch-keycheck/checkpoint/Manifest.h"

#include <gtest/gtest.h>

using namespace torchkc;

namespace {

/// A pickle written as a string literal, embedded NULs included.
template <size_t N> std::string bytes(const char (&S)[N]) {
  return std::string(S, N - 1);
}

std::string errorOf(const std::string &Data, const PickleLimits &L = {}) {
  try {
    unpickle(Data, L);
  } catch (const CheckpointError &E) {
    return E.what();
  }
  return "";
}

bool has(const std::string &S, const char *Fragment) {
  return S.find(Fragment) != std::string::npos;
}

TEST(PickleTest, ReadsProtocolFourAsPythonWritesIt) {
  // pickle.dumps({'a': 1, 'b': [1.5, True, None], 'c': (2, 'x')}, protocol=4):
  // FRAME, MEMOIZE, SHORT_BINUNICODE, BINFLOAT, TUPLE2.
  const std::string Data = bytes(
      "\x80\x04\x95\x2a\x00\x00\x00\x00\x00\x00\x00\x7d\x94\x28\x8c\x01\x61\x94"
      "\x4b\x01\x8c\x01\x62\x94\x5d\x94\x28\x47\x3f\xf8\x00\x00\x00\x00\x00\x00"
      "\x88\x4e\x65\x8c\x01\x63\x94\x4b\x02\x8c\x01\x78\x94\x86\x94\x75\x2e");
  PickleDocument D = unpickle(Data);
  ASSERT_EQ(D.Root->K, PickleValue::Kind::Dict);
  ASSERT_EQ(D.Root->Entries.size(), 3u);
  EXPECT_EQ(D.Root->Entries[0].first->Str, "a");
  EXPECT_EQ(D.Root->Entries[0].second->Int, 1);
  const PickleValue *List = D.Root->Entries[1].second;
  ASSERT_EQ(List->Items.size(), 3u);
  EXPECT_EQ(List->Items[0]->Float, 1.5);
  EXPECT_TRUE(List->Items[1]->Bool);
  EXPECT_EQ(List->Items[2]->K, PickleValue::Kind::None);
  EXPECT_EQ(D.Root->Entries[2].second->Items[1]->Str, "x");
}

TEST(PickleTest, EveryLimitIsEnforced) {
  PickleLimits L;
  L.MaxValues = 3;
  EXPECT_TRUE(has(errorOf(bytes("\x80\x02NNNN."), L), "more than 3 values"));
  L = {};
  L.MaxStack = 2;
  EXPECT_TRUE(has(errorOf(bytes("\x80\x02NNN."), L), "stack deeper than 2"));
  L = {};
  L.MaxMemo = 1;
  EXPECT_TRUE(
      has(errorOf(bytes("\x80\x02Nq\x00Nq\x01."), L), "memo larger than 1"));
  L = {};
  L.MaxStringBytes = 4;
  EXPECT_TRUE(has(errorOf(bytes("\x80\x02X\x05\x00\x00\x00"
                                "hello."),
                          L),
                  "a string of 5 bytes"));
}

TEST(PickleTest, LengthsAreCheckedAgainstTheInput) {
  // BINUNICODE claiming 16 bytes, then 4 GiB, in an 11-byte pickle: the
  // first runs past the input, the second is over the string limit first.
  EXPECT_TRUE(has(errorOf(bytes("\x80\x02X\x10\x00\x00\x00"
                                "ab.")),
                  "past the end"));
  EXPECT_TRUE(has(errorOf(bytes("\x80\x02X\xff\xff\xff\xff"
                                "ab.")),
                  "a string of 4294967295 bytes"));
  EXPECT_TRUE(has(errorOf(bytes("\x80\x02N")), "without STOP"));
  EXPECT_TRUE(has(errorOf(bytes("\x80\x02.")), "empty stack"));
  EXPECT_TRUE(has(errorOf(bytes("\x80\x02s.")), "needs a value"));
}

TEST(PickleTest, GlobalsOutsideTheAllowlistAreRefusedByName) {
  EXPECT_TRUE(has(errorOf(bytes("\x80\x02"
                                "cbuiltins\neval\n.")),
                  "refusing global 'builtins.eval'"));
  EXPECT_TRUE(has(errorOf(bytes("\x80\x02"
                                "c__main__\nNet\n.")),
                  "save model.state_dict() instead"));
  // An allowed global that is not a callable the reader models.
  EXPECT_TRUE(has(errorOf(bytes("\x80\x02"
                                "ctorch\nFloatStorage\n)R.")),
                  "not callable"));
}

TEST(PickleTest, TensorShapesComeFromTheRebuildArguments) {
  // _rebuild_tensor_v2(('storage', torch.HalfStorage, '0', 'cpu', 6), 0,
  //                    (2, 3), (3, 1), False, OrderedDict())
  const std::string Data = bytes("\x80\x02"
                                 "ctorch._utils\n_rebuild_tensor_v2\n("
                                 "(X\x07\x00\x00\x00"
                                 "storage"
                                 "ctorch\nHalfStorage\n"
                                 "X\x01\x00\x00\x00"
                                 "0"
                                 "X\x03\x00\x00\x00"
                                 "cpu"
                                 "K\x06"
                                 "tQ"
                                 "K\x00"
                                 "K\x02"
                                 "K\x03"
                                 "\x86"
                                 "K\x03"
                                 "K\x01"
                                 "\x86"
                                 "\x89"
                                 "ccollections\nOrderedDict\n)Rt"
                                 "R.");
  PickleDocument D = unpickle(Data);
  ASSERT_EQ(D.Root->K, PickleValue::Kind::Tensor);
  EXPECT_EQ(D.Root->DType, "float16");
  EXPECT_EQ(D.Root->Shape, (std::vector<int64_t>{2, 3}));
  // The same with a size of -1.
  std::string Negative = Data;
  Negative.replace(Negative.find(bytes("K\x02"
                                       "K\x03"
                                       "\x86")),
                   2, bytes("J\xff\xff\xff\xff"));
  EXPECT_TRUE(has(errorOf(Negative), "non-negative"));
}

} // namespace
