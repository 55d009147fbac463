//===- Pickle.cpp - A restricted unpickler for checkpoint metadata --------===//
//
// Implements the opcodes of pickle protocols 2 to 4 that torch.save and
// torch::save emit. A pickle names callables by GLOBAL and calls them with
// REDUCE/NEWOBJ; a general unpickler runs them, which is how a checkpoint
// can run `os.system`. Here GLOBAL resolves only names on an allowlist, and
// "calling" one builds an inert description: `_rebuild_tensor_v2(storage,
// offset, size, ...)` becomes {dtype, shape}; `OrderedDict()` an empty dict;
// a TorchScript class an object with attributes. Everything else is refused
// by name before anything could happen.
//
//===----------------------------------------------------------------------===//
#include "torch-keycheck/checkpoint/Pickle.h"

#include "torch-keycheck/checkpoint/Manifest.h"

#include <cstring>
#include <map>
#include <unordered_map>

namespace torchkc {
namespace {

struct StorageType {
  const char *DType;
  size_t ItemSize;
};

const std::map<std::string, StorageType> &storageDTypes() {
  static const std::map<std::string, StorageType> M = {
      {"FloatStorage", {"float32", 4}},
      {"DoubleStorage", {"float64", 8}},
      {"HalfStorage", {"float16", 2}},
      {"BFloat16Storage", {"bfloat16", 2}},
      {"LongStorage", {"int64", 8}},
      {"IntStorage", {"int32", 4}},
      {"ShortStorage", {"int16", 2}},
      {"CharStorage", {"int8", 1}},
      {"ByteStorage", {"uint8", 1}},
      {"BoolStorage", {"bool", 1}},
      {"ComplexFloatStorage", {"complex64", 8}},
      {"ComplexDoubleStorage", {"complex128", 16}},
  };
  return M;
}

class Unpickler {
public:
  Unpickler(std::string_view Data, const PickleLimits &L) : Data(Data), L(L) {}

  PickleDocument run() {
    while (Pos < Data.size()) {
      size_t At = Pos;
      uint8_t Op = static_cast<uint8_t>(Data[Pos++]);
      if (Op == '.') {
        if (Stack.empty())
          fail("STOP with an empty stack", At);
        Doc.Root = Stack.back();
        return std::move(Doc);
      }
      step(Op, At);
    }
    fail("the pickle ends without STOP (truncated?)", Pos);
  }

private:
  [[noreturn]] void fail(const std::string &What, size_t At) {
    throw CheckpointError("malformed pickle: " + What + " at byte " +
                          std::to_string(At));
  }

  std::string_view take(size_t N, size_t At) {
    if (N > Data.size() - Pos)
      fail("a field runs past the end of the pickle", At);
    std::string_view R = Data.substr(Pos, N);
    Pos += N;
    return R;
  }
  uint64_t uint(size_t Bytes, size_t At) {
    std::string_view B = take(Bytes, At);
    uint64_t V = 0;
    for (size_t I = 0; I < Bytes; ++I)
      V |= uint64_t(uint8_t(B[I])) << (8 * I);
    return V;
  }
  std::string line(size_t At) {
    size_t End = Data.find('\n', Pos);
    if (End == std::string_view::npos)
      fail("the pickle ends inside a GLOBAL (truncated?)", At);
    if (End - Pos > 4096)
      fail("GLOBAL without a line end", At);
    std::string R(Data.substr(Pos, End - Pos));
    Pos = End + 1;
    return R;
  }

  /// Counts Bytes of memory against the pickle's budget.
  void charge(size_t Bytes) {
    Used += Bytes;
    if (Used > L.MaxBytes)
      throw CheckpointError("the pickle's values need more than " +
                            std::to_string(L.MaxBytes >> 20) +
                            " MiB of memory; refusing to read further");
  }
  /// A container grows by N references (8 bytes each, pairs 16).
  void chargeRefs(size_t N) { charge(N * sizeof(PickleRef)); }

  PickleRef make(PickleValue::Kind K) {
    if (Doc.Values.size() >= L.MaxValues)
      throw CheckpointError("pickle creates more than " +
                            std::to_string(L.MaxValues) + " values");
    // The value, its owning pointer and the allocator's overhead.
    charge(sizeof(PickleValue) + 2 * sizeof(void *));
    Doc.Values.push_back(std::make_unique<PickleValue>());
    Doc.Values.back()->K = K;
    return Doc.Values.back().get();
  }
  void push(PickleRef V, size_t At) {
    if (Stack.size() >= L.MaxStack)
      fail("stack deeper than " + std::to_string(L.MaxStack), At);
    Stack.push_back(V);
  }
  PickleRef pop(size_t At) {
    if (Stack.empty() || (!Marks.empty() && Marks.back() == Stack.size()))
      fail("an opcode needs a value the stack does not have", At);
    PickleRef V = Stack.back();
    Stack.pop_back();
    return V;
  }
  PickleRef top(size_t At) {
    if (Stack.empty())
      fail("an opcode needs a value the stack does not have", At);
    return Stack.back();
  }
  std::vector<PickleRef> popMark(size_t At) {
    if (Marks.empty())
      fail("no MARK to pop to", At);
    size_t M = Marks.back();
    Marks.pop_back();
    LastMarkAt = MarkAt.back();
    MarkAt.pop_back();
    std::vector<PickleRef> R(Stack.begin() + M, Stack.end());
    Stack.resize(M);
    chargeRefs(R.size());
    return R;
  }
  void memoPut(uint64_t Key, size_t At) {
    if (!Memo.count(Key)) {
      if (Memo.size() >= L.MaxMemo)
        fail("memo larger than " + std::to_string(L.MaxMemo), At);
      charge(6 * sizeof(void *)); // a hash node and its bucket
    }
    Memo[Key] = top(At);
    Doc.MemoPuts.push_back({At, Key});
  }
  void memoGet(uint64_t Key, size_t At) {
    auto It = Memo.find(Key);
    if (It == Memo.end())
      fail("memo key " + std::to_string(Key) + " was never stored", At);
    Doc.MemoGets.push_back({At, Key});
    push(It->second, At);
  }
  void pushString(size_t N, size_t At) {
    if (N > L.MaxStringBytes)
      fail("a string of " + std::to_string(N) + " bytes", At);
    auto V = make(PickleValue::Kind::String);
    charge(N);
    V->Str = std::string(take(N, At));
    V->Begin = At;
    V->End = Pos;
    V->Opcode = uint8_t(Data[At]);
    push(V, At);
  }
  void pushInt(int64_t I, size_t At) {
    auto V = make(PickleValue::Kind::Int);
    V->Int = I;
    V->Begin = At;
    V->End = Pos;
    V->Opcode = uint8_t(Data[At]);
    push(V, At);
  }
  PickleRef tuple(std::vector<PickleRef> Items) {
    auto T = make(PickleValue::Kind::Tuple);
    chargeRefs(Items.size());
    T->Items = std::move(Items);
    return T;
  }

  /// GLOBAL and STACK_GLOBAL: resolve against the allowlist or refuse.
  void global(const std::string &Module, const std::string &Name, size_t At) {
    std::string Full = Module + "." + Name;
    bool Allowed =
        (Module == "collections" && Name == "OrderedDict") ||
        (Module == "torch._utils" &&
         (Name == "_rebuild_tensor_v2" || Name == "_rebuild_tensor" ||
          Name == "_rebuild_parameter" ||
          Name == "_rebuild_parameter_with_state")) ||
        (Module == "torch" && storageDTypes().count(Name)) ||
        (Module == "torch.jit._pickle" &&
         (Name == "restore_type_tag" || Name == "build_tensorlist" ||
          Name == "build_intlist" || Name == "build_doublelist" ||
          Name == "build_boollist")) ||
        Module == "__torch__" || Module.rfind("__torch__.", 0) == 0;
    if (!Allowed) {
      if (Module == "torch._utils")
        throw CheckpointError("tensors rebuilt by '" + Full +
                              "' (quantized, sparse or other special tensors) "
                              "are not supported");
      if (Module == "__main__" || Module.rfind("torch.nn.modules", 0) == 0)
        throw CheckpointError(
            "the checkpoint pickles a whole Python object ('" + Full +
            "'), which only its own code can rebuild; save model.state_dict() "
            "instead (nothing was executed)");
      throw CheckpointError("refusing global '" + Full +
                            "': torch.save never writes it, and building it "
                            "could run code (nothing was executed)");
    }
    auto G = make(PickleValue::Kind::Global);
    G->Str = Module;
    G->Name = Name;
    auto S = storageDTypes().find(Name);
    if (Module == "torch" && S != storageDTypes().end())
      G->DType = S->second.DType;
    push(G, At);
  }

  static bool isGlobal(const PickleRef &V, const char *Module,
                       const char *Name) {
    return V->K == PickleValue::Kind::Global && V->Str == Module &&
           V->Name == Name;
  }

  std::vector<int64_t> shapeOf(const PickleRef &V, size_t At) {
    if (V->K != PickleValue::Kind::Tuple)
      fail("a tensor size that is not a tuple", At);
    if (V->Items.size() > L.MaxDims)
      fail("a tensor with more than " + std::to_string(L.MaxDims) +
               " dimensions",
           At);
    std::vector<int64_t> S;
    for (const auto &D : V->Items) {
      if (D->K != PickleValue::Kind::Int || D->Int < 0)
        fail("a tensor size that is not a non-negative integer", At);
      S.push_back(D->Int);
    }
    return S;
  }

  /// A tensor view (offset, size, stride) lies inside its storage's
  /// elements, as torch's set_() requires; counted without overflow.
  void checkExtent(const std::vector<int64_t> &Shape,
                   const std::vector<PickleRef> &A, size_t At) {
    const PickleRef &Storage = A[0], &Offset = A[1], &Stride = A[3];
    if (Offset->K != PickleValue::Kind::Int || Offset->Int < 0)
      fail("a tensor offset that is not a non-negative integer", At);
    if (Stride->K != PickleValue::Kind::Tuple ||
        Stride->Items.size() != Shape.size())
      fail("a tensor stride that does not match its size", At);
    unsigned __int128 Needed = 0;
    bool Empty = false;
    for (size_t I = 0; I < Shape.size(); ++I) {
      const PickleRef &S = Stride->Items[I];
      if (S->K != PickleValue::Kind::Int || S->Int < 0)
        fail("a tensor stride that is not a non-negative integer", At);
      if (Shape[I] == 0)
        Empty = true;
      else
        Needed += (unsigned __int128)(Shape[I] - 1) * uint64_t(S->Int);
    }
    if (Empty)
      return;
    Needed += uint64_t(Offset->Int) + 1;
    if (Needed > (unsigned __int128)uint64_t(Storage->Int)) {
      std::string Size = "[";
      for (size_t I = 0; I < Shape.size(); ++I)
        Size += (I ? ", " : "") + std::to_string(Shape[I]);
      throw CheckpointError(
          "a tensor of size " + Size + "] at offset " +
          std::to_string(Offset->Int) + " reaches past the " +
          std::to_string(Storage->Int) + " elements of its storage '" +
          Storage->Str + "' (torch.load refuses it; byte " +
          std::to_string(At) + " of the pickle)");
    }
  }

  /// REDUCE: "call" an allowlisted global with a tuple of arguments.
  void reduce(size_t At) {
    PickleRef Args = pop(At), Fn = pop(At);
    if (Args->K != PickleValue::Kind::Tuple)
      fail("REDUCE arguments that are not a tuple", At);
    const auto &A = Args->Items;
    if (isGlobal(Fn, "collections", "OrderedDict")) {
      auto D = make(PickleValue::Kind::Dict);
      // OrderedDict([(k, v), ...]) as well as OrderedDict().
      if (A.size() == 1 && A[0]->K == PickleValue::Kind::List)
        for (const auto &Pair : A[0]->Items)
          if (Pair->K == PickleValue::Kind::Tuple && Pair->Items.size() == 2) {
            chargeRefs(2);
            D->Entries.push_back({Pair->Items[0], Pair->Items[1]});
          }
      push(D, At);
      return;
    }
    if (isGlobal(Fn, "torch._utils", "_rebuild_tensor_v2") ||
        isGlobal(Fn, "torch._utils", "_rebuild_tensor")) {
      if (A.size() < 4 || A[0]->K != PickleValue::Kind::Storage)
        fail("tensor rebuilt without a storage and a size", At);
      auto T = make(PickleValue::Kind::Tensor);
      T->DType = A[0]->DType;
      T->Shape = shapeOf(A[2], At);
      checkExtent(T->Shape, A, At);
      chargeRefs(1 + T->Shape.size());
      T->Items = {A[0]};
      T->Int = A[1]->Int;
      for (const PickleRef &S : A[3]->Items)
        T->Stride.push_back(S->Int);
      T->Bool = A.size() > 4 && A[4]->K == PickleValue::Kind::Bool && A[4]->Bool;
      push(T, At);
      return;
    }
    if (isGlobal(Fn, "torch._utils", "_rebuild_parameter") ||
        isGlobal(Fn, "torch._utils", "_rebuild_parameter_with_state")) {
      if (A.empty() || A[0]->K != PickleValue::Kind::Tensor)
        fail("parameter rebuilt from something that is not a tensor", At);
      auto T = make(PickleValue::Kind::Tensor);
      *T = *A[0];
      T->IsParameter = true;
      // _rebuild_parameter(data, requires_grad, backward_hooks)
      if (A.size() > 1 && A[1]->K == PickleValue::Kind::Bool)
        T->Bool = A[1]->Bool;
      push(T, At);
      return;
    }
    // TorchScript's own pickle helpers: restore_type_tag(value, type) is the
    // value; build_*list(list) the list.
    if (Fn->K == PickleValue::Kind::Global && Fn->Str == "torch.jit._pickle" &&
        A.size() >= 1) {
      push(A[0], At);
      return;
    }
    fail("REDUCE of '" + Fn->Str + "." + Fn->Name + "', which is not callable",
         At);
  }

  void step(uint8_t Op, size_t At) {
    using K = PickleValue::Kind;
    switch (Op) {
    case 0x80: // PROTO
      if (uint(1, At) > 5)
        fail("an unknown protocol", At);
      return;
    case 0x95: // FRAME: framing only
      uint(8, At);
      Doc.Framed = true;
      return;
    case 'c': {
      std::string Module = line(At);
      std::string Name = line(At);
      global(Module, Name, At);
      return;
    }
    case 0x93: { // STACK_GLOBAL
      PickleRef Name = pop(At), Module = pop(At);
      if (Name->K != K::String || Module->K != K::String)
        fail("STACK_GLOBAL of non-strings", At);
      global(Module->Str, Name->Str, At);
      return;
    }
    case 'q':
      memoPut(uint(1, At), At);
      return;
    case 'r':
      memoPut(uint(4, At), At);
      return;
    case 0x94: // MEMOIZE
      memoPut(Memo.size(), At);
      return;
    case 'h':
      memoGet(uint(1, At), At);
      return;
    case 'j':
      memoGet(uint(4, At), At);
      return;
    case '}':
      push(make(K::Dict), At);
      return;
    case ']':
    case 0x8f: // EMPTY_SET: a list is all a manifest needs
      push(make(K::List), At);
      return;
    case ')':
      push(tuple({}), At);
      return;
    case '(':
      if (Marks.size() >= L.MaxStack)
        fail("too many MARKs", At);
      Marks.push_back(Stack.size());
      MarkAt.push_back(At);
      return;
    case 'X':
      pushString(uint(4, At), At);
      return;
    case 0x8c: // SHORT_BINUNICODE
    case 'C':  // SHORT_BINBYTES
      pushString(uint(1, At), At);
      return;
    case 'B': // BINBYTES
      pushString(uint(4, At), At);
      return;
    case 0x8d: // BINUNICODE8
    case 0x8e: // BINBYTES8
      pushString(uint(8, At), At);
      return;
    case 'J':
      pushInt(int32_t(uint(4, At)), At);
      return;
    case 'K':
      pushInt(int64_t(uint(1, At)), At);
      return;
    case 'M':
      pushInt(int64_t(uint(2, At)), At);
      return;
    case 0x8a: { // LONG1
      size_t N = uint(1, At);
      if (N > 8)
        fail("an integer wider than 64 bits", At);
      uint64_t V = uint(N, At);
      if (N > 0 && N < 8 && (V >> (8 * N - 1)) & 1)
        V |= ~uint64_t(0) << (8 * N); // sign-extend
      pushInt(int64_t(V), At);
      return;
    }
    case 0x8b: // LONG4
      fail("an integer wider than 64 bits", At);
    case 'G': { // BINFLOAT, big-endian
      std::string_view B = take(8, At);
      uint64_t Bits = 0;
      for (char C : B)
        Bits = (Bits << 8) | uint8_t(C);
      double D;
      std::memcpy(&D, &Bits, sizeof D);
      auto V = make(K::Float);
      V->Float = D;
      push(V, At);
      return;
    }
    case 0x88:
    case 0x89: {
      auto V = make(K::Bool);
      V->Bool = Op == 0x88;
      push(V, At);
      return;
    }
    case 'N':
      push(make(K::None), At);
      return;
    case 't':
      push(tuple(popMark(At)), At);
      return;
    case 0x85:
    case 0x86:
    case 0x87: {
      size_t N = Op - 0x84;
      std::vector<PickleRef> Items(N);
      for (size_t I = N; I-- > 0;)
        Items[I] = pop(At);
      push(tuple(std::move(Items)), At);
      return;
    }
    case 'Q': { // BINPERSID: ('storage', StorageType, key, location, numel)
      PickleRef Pid = pop(At);
      if (Pid->K != K::Tuple || Pid->Items.size() != 5 ||
          Pid->Items[1]->K != K::Global || Pid->Items[1]->DType.empty() ||
          Pid->Items[2]->K != K::String || Pid->Items[4]->K != K::Int ||
          Pid->Items[4]->Int < 0)
        fail("a persistent id that is not ('storage', type, key, location, "
             "size)",
             At);
      auto S = make(K::Storage);
      S->DType = Pid->Items[1]->DType;
      S->Str = Pid->Items[2]->Str;
      S->Int = Pid->Items[4]->Int;
      S->Name = Pid->Items[3]->K == K::String ? Pid->Items[3]->Str : "cpu";
      push(S, At);
      return;
    }
    case 'R':
      reduce(At);
      return;
    case 0x81: { // NEWOBJ
      PickleRef Args = pop(At), Cls = pop(At);
      if (Cls->K != K::Global || Cls->Str.rfind("__torch__", 0) != 0)
        fail("NEWOBJ of something that is not a TorchScript class", At);
      (void)Args;
      auto O = make(K::Object);
      O->Str = Cls->Str;
      O->Name = Cls->Name;
      push(O, At);
      return;
    }
    case 'b': { // BUILD
      PickleRef State = pop(At);
      PickleRef Target = top(At);
      // Attributes of a TorchScript object; for an OrderedDict the state is
      // its _metadata, and for a Parameter its Python attributes: neither
      // holds tensors a manifest lists.
      if (Target->K == K::Object) {
        if (State->K != K::Dict)
          fail("BUILD of an object with a state that is not a dict", At);
        chargeRefs(2 * State->Entries.size());
        for (auto &E : State->Entries)
          Target->Entries.push_back(E);
      } else if (Target->K == K::Dict) {
        Target->State = State;
      }
      return;
    }
    case 's': {
      PickleRef V = pop(At), Key = pop(At);
      PickleRef D = top(At);
      if (D->K != K::Dict)
        fail("SETITEM on something that is not a dict", At);
      chargeRefs(2);
      D->Entries.push_back({Key, V});
      // The key was read just before its value, the SETITEM ends it.
      D->EntrySpans.push_back(
          Key->K == K::String && Key->End && Key->Begin < At &&
                  Key->End <= At
              ? std::make_pair(Key->Begin, At + 1)
              : std::make_pair(size_t(0), size_t(0)));
      return;
    }
    case 'u': {
      std::vector<PickleRef> Items = popMark(At);
      PickleRef D = top(At);
      if (D->K != K::Dict || Items.size() % 2)
        fail("SETITEMS on something that is not a dict", At);
      for (size_t I = 0; I < Items.size(); I += 2)
        D->Entries.push_back({Items[I], Items[I + 1]});
      // Each entry runs from its key to the next key (the last to the
      // SETITEMS), when the keys were read in order after the MARK.
      for (size_t I = 0; I < Items.size(); I += 2) {
        const PickleValue &Key = *Items[I];
        size_t Next = I + 2 < Items.size() ? Items[I + 2]->Begin : At;
        bool InOrder = Key.K == K::String && Key.End && Key.Begin > LastMarkAt &&
                       Key.End <= Next && Next <= At &&
                       (I + 2 >= Items.size() ||
                        (Items[I + 2]->K == K::String && Items[I + 2]->End));
        D->EntrySpans.push_back(InOrder ? std::make_pair(Key.Begin, Next)
                                        : std::make_pair(size_t(0), size_t(0)));
      }
      return;
    }
    case 'a': {
      PickleRef V = pop(At);
      PickleRef Lst = top(At);
      if (Lst->K != K::List)
        fail("APPEND to something that is not a list", At);
      chargeRefs(1);
      Lst->Items.push_back(V);
      return;
    }
    case 'e':
    case 0x90: { // APPENDS, ADDITEMS
      std::vector<PickleRef> Items = popMark(At);
      PickleRef Lst = top(At);
      if (Lst->K != K::List)
        fail("APPENDS to something that is not a list", At);
      Lst->Items.insert(Lst->Items.end(), Items.begin(), Items.end());
      return;
    }
    case 0x91: { // FROZENSET
      auto Lst = make(K::List);
      Lst->Items = popMark(At);
      push(Lst, At);
      return;
    }
    case '0':
      pop(At);
      return;
    case '1':
      popMark(At);
      return;
    case '2':
      push(top(At), At);
      return;
    default: {
      char Hex[8];
      std::snprintf(Hex, sizeof Hex, "0x%02x", Op);
      fail(std::string("unsupported opcode ") + Hex, At);
    }
    }
  }

  std::string_view Data;
  /// The offsets of the open MARKs, and of the one popped last.
  std::vector<size_t> MarkAt;
  size_t LastMarkAt = 0;
  const PickleLimits &L;
  size_t Pos = 0;
  PickleDocument Doc;
  std::vector<PickleRef> Stack;
  std::vector<size_t> Marks;
  std::unordered_map<uint64_t, PickleRef> Memo;
  size_t Used = 0; ///< bytes charged against L.MaxBytes
};

} // namespace

size_t dtypeItemSize(const std::string &DType) {
  for (const auto &[Name, T] : storageDTypes())
    if (DType == T.DType)
      return T.ItemSize;
  return 0;
}

std::string storageClassOf(const std::string &DType) {
  for (const auto &[Name, T] : storageDTypes())
    if (DType == T.DType)
      return Name;
  return "";
}

PickleDocument unpickle(std::string_view Data, const PickleLimits &Limits) {
  return Unpickler(Data, Limits).run();
}

} // namespace torchkc
