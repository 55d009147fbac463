//===- ConstructorWalker.h - One constructor as it would run ---*- C++ -*-===//
//
// The interpreter at the heart of the extractor (the essay in Extractor.cpp
// says what it computes). Its methods are spread by concern:
//   WalkStatements.cpp  calls, branches, loops, switches
//   WalkState.cpp       variables, members, guards, containers being filled
//   TranslateExpr.cpp   C++ expressions to symbolic values
//   TorchCalls.cpp      what LibTorch's API calls mean (a method table)
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_LIB_EXTRACT_CONSTRUCTORWALKER_H
#define TORCH_KEYCHECK_LIB_EXTRACT_CONSTRUCTORWALKER_H

#include "TorchAst.h"

#include "torch-keycheck/extract/Extractor.h"
#include "torch-keycheck/keys/BuiltinModules.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/StmtCXX.h"

#include <chrono>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace torchkc {
namespace extract {

/// A member call being translated, as the handlers in TorchCalls.cpp see
/// it.
struct MemberCall {
  const CXXMemberCallExpr *Call = nullptr;
  const CXXMethodDecl *Method = nullptr;
  /// The object, parentheses and implicit casts stripped; null for a call
  /// without one.
  const Expr *Object = nullptr;
  StringRef Name;
  /// The object's value, for the handlers that read it.
  SymExprPtr Value;
};

/// Translates one constructor, with everything it calls, into a
/// Constructor of the registration graph.
class ConstructorWalker {
public:
  /// Called, when given, collects every function the walk calls or
  /// inlines (canonical declarations).
  ConstructorWalker(ASTContext &Ctx, Constructor &Out,
                    std::set<const FunctionDecl *> *Called = nullptr)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Out(Out), Called(Called),
        Budget(interpreterBudget()),
        Deadline(std::chrono::steady_clock::now() +
                 std::chrono::seconds(Budget.Seconds)) {}

  /// Walks Ctor with the parameters in Values bound to them and the others
  /// symbolic.
  void walkConstructor(const CXXConstructorDecl *Ctor,
                       const Bindings &Values = {});

  /// Walks a free function returning a module (a function model) as a
  /// constructor: its parameters are the knobs, and what it returns is
  /// registered at the root. A function that returns no module but saves
  /// one (`torch::save(net, "net.pt")` in main) has the module it saves
  /// first as its model.
  void walkFunction(const FunctionDecl *FD, const Bindings &Values = {});

private:
  struct Frame {
    std::unordered_map<const ValueDecl *, SymExprPtr> Vars;
    SymExprPtr Return;
    bool Returned = false;
    size_t GuardDepth = 0;
  };

  /// Binds FD's I-th parameter to V in F under every declaration of FD: a
  /// constructor declared in a header and defined in a .cpp has one
  /// ParmVarDecl per declaration, and its body names the definition's.
  static void bindParameter(Frame &F, const FunctionDecl *FD, unsigned I,
                            SymExprPtr V);

  /// FD's parameters as Out's knobs (named as its definition names them,
  /// with the defaults of any declaration), bound in the current frame to
  /// Values or left symbolic.
  void bindKnobs(const FunctionDecl *FD, const Bindings &Values);

  /// The fields of a configuration struct type T, nested ones by path
  /// under Prefix (ConstructorParam::Fields).
  void collectFields(QualType T, const std::string &Prefix, int Depth,
                     std::vector<std::pair<std::string, std::string>> &Out);

  /// Base and member initialisers, then the body, of Ctor in the current
  /// frame (whose parameters are already bound).
  void runConstructor(const CXXConstructorDecl *Ctor);

  /// A base-class constructor runs inside the derived one: its
  /// registrations come first, with its parameters bound to the arguments.
  void inlineConstructor(const CXXConstructExpr *CE);

  /// A LibTorch module as base class (`struct WrappedImpl :
  /// ConvTranspose2dImpl`), constructed by CE: its tensors are this
  /// module's own, registered first (a Root registration).
  void registerBuiltinBase(const CXXRecordDecl *Base,
                           const CXXConstructExpr *CE);

  /// Runs a function body with its parameters bound; yields what it
  /// returns.
  SymExprPtr inlineCall(const FunctionDecl *FD, ArrayRef<const Expr *> Args,
                        SourceLocation CallLoc);

  /// A call through a callable object or pointer: a lambda (`auto add =
  /// [&](int n) { ... }; add(3);`), a std::function or function pointer
  /// initialised with one. Its body runs inline, seeing the variables of
  /// the frames that call it; what it captures by reference it updates
  /// there. Callee is the object called, Args the call's arguments.
  SymExprPtr callThrough(const Expr *Callee, ArrayRef<const Expr *> Args,
                         const Expr *Call);

  /// The lambda a callable variable holds: its initialiser, through
  /// std::function's converting constructor. Null when not known.
  static const LambdaExpr *lambdaOf(const Expr *Callee);

  /// Runs Def's body in frame F (its parameters bound to Args), as a call
  /// does, and returns the frame as the body left it.
  Frame runBody(Frame F, const FunctionDecl *Def, ArrayRef<const Expr *> Args);
  /// The same with the arguments' values.
  Frame runBody(Frame F, const FunctionDecl *Def,
                ArrayRef<SymExprPtr> Values);

  /// Runs the body of a lambda's call operator inline.
  SymExprPtr inlineLambda(const CXXMethodDecl *CallOp,
                          ArrayRef<SymExprPtr> Values, SourceLocation CallLoc);

  /// Calls the callable Fn names (a lambda, a function, a pointer to one)
  /// with values, as a std algorithm calls what it is given; null when
  /// what it calls is not known.
  SymExprPtr callWithValues(const Expr *Fn, ArrayRef<SymExprPtr> Values,
                            SourceLocation CallLoc);

  /// std algorithms over whole tables (`std::transform(v.begin(), v.end(),
  /// w.begin(), f)`, iota, fill, copy, reverse, sort): the tables they
  /// write get their new elements. A mutating algorithm the walk cannot
  /// follow leaves the tables it is given unknown, never silently as they
  /// were. Null when FD is not such an algorithm.
  SymExprPtr stdAlgorithm(const FunctionDecl *FD, const CallExpr *CE);

  /// How the last statement left the enclosing loop body.
  enum class Flow { Normal, Break, Continue };

  bool stopped() const {
    return Exhausted || Frames.back().Returned || Pending != Flow::Normal;
  }

  /// Counts one statement run against the budget; false once it is spent
  /// (the walk then unwinds, and an unresolved line at L says which budget
  /// ended it).
  bool spend(SourceLocation L);
  /// Ends the walk at L: Why names the budget.
  void exhaust(SourceLocation L, const std::string &Why);

  void walk(const Stmt *S);

  void walkIf(const IfStmt *If);

  /// Walks a branch as its own scope; says whether it ended in a return.
  bool walkBranch(const Stmt *S);

  /// for / while / do: unrolled while the condition folds to a constant
  /// (state carried between iterations is then exact); a counted loop
  /// whose bound depends on constructor parameters becomes a LoopInfo.
  void walkLoop(const Stmt *Loop, const Stmt *Init, const Expr *CondE,
                const Expr *Inc, const Stmt *Body, bool BodyFirst);

  /// One iteration; false when a break (or a return) ends the loop.
  bool runBody(const Stmt *Body);

  void walkRangeFor(const CXXForRangeStmt *RF);

  /// `for (int i = B; i < E; ++i)` with E (or B) not known: recorded as a
  /// LoopInfo, the body walked once with i symbolic.
  void symbolicLoop(const Stmt *Loop, const Stmt *Init, const Expr *CondE,
                    const Expr *Inc, const Stmt *Body);

  /// The variables a symbolic loop's body set, after the loop (Before:
  /// each one's value before it).
  void afterSymbolicLoop(
      const std::string &Var, const SymExprPtr &Begin, const SymExprPtr &End,
      const Stmt *Body,
      const std::vector<std::pair<const ValueDecl *, SymExprPtr>> &Before);
  void beginSymbolicLoop(const Stmt *Loop, const std::string &Var,
                         SymExprPtr Begin, SymExprPtr End, const Stmt *Body);

  std::string loopVariableName(const std::string &Base);

  static bool incrementsByOne(const Expr *Inc, const VarDecl *Var);

  /// Variables and members a statement assigns to, also through the
  /// functions it calls (`make_layer` updating `inplanes`).
  std::vector<const ValueDecl *> assignedIn(const Stmt *S);

  /// switch: each case's statements run under `cond == value` (or any of
  /// its values when cases fall through); default under none matching.
  void walkSwitch(const SwitchStmt *Sw);

  const Expr *findRegistration(const Stmt *S);

  void unresolved(SourceLocation L, std::string Why);

  /// Something the symbolic walk cannot follow at L, decided by Cond: by
  /// the configuration when Cond reads only constructor parameters, else
  /// at run time.
  void undecided(SourceLocation L, const SymExprPtr &Cond, std::string ByConfig,
                 std::string ByRunTime);

  std::string text(const Expr *E);

  SymExprPtr unknown(const Expr *E) { return SymExpr::makeUnknown(text(E)); }

  /// A copy of E that records where it is written (guards carry the
  /// location of their condition).
  SymExprPtr located(const SymExprPtr &E, SourceLocation L);

  /// The variable or member E names, when it is one the walk tracks.
  SymExprPtr *slot(const Expr *E);

  /// Stores V in the variable or member E names. A container changed after
  /// it was registered is the same object, so the registration sees the
  /// change: every registration of the old value takes the new one.
  /// The conjunction of the conditions in force, or null when none is.
  SymExprPtr activeCondition() const;

  /// Stores V in the variable or member E names. Under conditions the walk
  /// cannot decide, the variable holds `cond ? V : old`. (Containers grow
  /// unconditionally: push_back makes the child itself conditional.)
  void assign(const Expr *E, SymExprPtr V, bool Guarded = true);

  /// Notes that the member E names (`fc`, `this->fc`) was assigned V at L,
  /// when it is a module holder or tensor member and V a module or tensor.
  void recordMemberAssignment(const Expr *E, const SymExprPtr &V,
                              SourceLocation L);

  void recordMemberAssignment(const FieldDecl *F, const SymExprPtr &V,
                              SourceLocation L);

  /// Whether V is a value of kind K, or a choice between such values
  /// (`deep ? Linear(..) : Linear(..)`). A null holder or an undefined
  /// tensor is not.
  static bool holds(const SymExprPtr &V, SymExpr::Kind K);

  size_t depthOf(const SymExprPtr &Container) const;

  /// Adds Child to a container made outside Depth of the active symbolic
  /// loops: inside loops it did not start in, the child repeats per
  /// iteration (consecutive pushes of one iteration stay together).
  void appendChild(torchkc::SymExpr &Container, SymExprPtr Child, size_t Depth);

  SymExprPtr moduleExpr(const CXXRecordDecl *Impl, std::vector<SymExprPtr> Args,
                        const Expr *E);

  std::vector<SymExprPtr> translateArgs(ArrayRef<const Expr *> Args);

  static std::vector<const Expr *> args(const CallExpr *C, unsigned From = 0);
  static std::vector<const Expr *> args(const CXXConstructExpr *C);

  SymExprPtr constant(const Expr *E);

public:
  SymExprPtr translate(const Expr *E);

private:
  SymExprPtr translateDeclRef(const DeclRefExpr *DRE);
  /// `this->member`, or a field of a configuration row (`spec.out`).
  SymExprPtr translateMember(const MemberExpr *ME);

  static std::string opSpelling(BinaryOperatorKind K);

  SymExprPtr translateBinary(const BinaryOperator *BO);

  SymExprPtr translateUnary(const UnaryOperator *UO);

  SymExprPtr translateConstruct(const CXXConstructExpr *CE);

  /// A member call's meaning: the first of TorchCalls.cpp's rows, chosen
  /// by receiver and method, whose handler answers.
  SymExprPtr translateMemberCall(const CXXMemberCallExpr *MC);

  // The handlers of member calls; each returns null when the call is not
  // of its kind.
  SymExprPtr registration(const MemberCall &C);
  SymExprPtr holderConversion(const MemberCall &C);
  SymExprPtr holderState(const MemberCall &C);
  /// Whether a holder's value is empty (`nullptr`), when known.
  static std::optional<bool> holdsNothing(const SymExprPtr &V);
  /// `table.size()`, `table.at(i)` on configuration tables.
  SymExprPtr tableAccess(const MemberCall &C);
  SymExprPtr ownMemberFunction(const MemberCall &C);
  /// `push_back` in a class deriving from SequentialImpl/ModuleListImpl:
  /// a registration named by the running index (or the given name).
  SymExprPtr selfPush(const MemberCall &C);
  SymExprPtr containerGrowth(const MemberCall &C);
  SymExprPtr growModuleContainer(const MemberCall &C, const Expr *Holder,
                                 SymExprPtr Container);
  SymExprPtr emplaceBack(const MemberCall &C);
  /// `table.back()`, `table.front()`.
  SymExprPtr tableEnd(const MemberCall &C);
  SymExprPtr optionsSetter(const MemberCall &C);
  SymExprPtr tensorMethod(const MemberCall &C);

  // JSON configurations (JsonCalls.cpp).
  /// `j.get<T>()`, conversions, `j.size()`, `j.at(key)`,
  /// `j.value(key, default)` on a nlohmann::json.
  SymExprPtr jsonAccess(const MemberCall &C);
  /// `j[key]`.
  SymExprPtr jsonSubscript(const CXXOperatorCallExpr *OC);
  /// A JSON value constructed: from braces (nlohmann's object rule), or
  /// from the one value given.
  SymExprPtr jsonConstruct(const CXXConstructExpr *CE);
  /// `json::parse("...")` or `"..."_json`: the text's value; null when
  /// CE is neither.
  SymExprPtr jsonText(const CallExpr *CE);

  SymExprPtr recordRegistration(const CXXMemberCallExpr *MC,
                                Registration::Kind K);

  /// `list->insert(index, module)` as LibTorch 1.13 registers it: the
  /// loop meant to shift the later children re-registers only `index`, so
  /// child `index` becomes the new module, children after it keep their
  /// old modules, and the old last module is registered again as child
  /// `size`. (The list's own iteration order is the intended one; its
  /// state_dict is not.) Null when the index or the children are not known.
  SymExprPtr moduleListInsert(const SymExprPtr &List,
                              const CXXMemberCallExpr *MC);

  /// Tables and shapes: std::map (a map() of [key, value] pairs), and the
  /// array-like ExpandingArray, IntArrayRef, std::vector and std::array
  /// (lists); unknown for any other class.
  SymExprPtr translateTable(const CXXConstructExpr *CE,
                            const CXXRecordDecl *RD);
  SymExprPtr translateOperatorCall(const CXXOperatorCallExpr *OC);

  SymExprPtr translateCall(const CallExpr *CE);

  /// The variable or member a chain of setters returning a reference is
  /// called on (`o` in `o.stride(2).bias(false)`); null for a temporary.
  static const Expr *setterChainRoot(const CXXMemberCallExpr *MC);

  SymExprPtr tensorExpr(const CallExpr *CE, StringRef Factory, SymExprPtr Shape,
                        unsigned OptionsFrom);

  static SymExprPtr withDefaultDType(SymExprPtr T, const std::string &DType);

  SymExprPtr literalTensor(const CallExpr *CE);

  /// arange(end), arange(start, end), arange(start, end, step): one
  /// dimension of ceil((end - start) / step) elements; int64 unless an
  /// argument is floating point.
  SymExprPtr rangeTensor(const CallExpr *CE);

  static constexpr size_t MaxInlineDepth = 32;
  const InterpreterBudget Budget;
  const std::chrono::steady_clock::time_point Deadline;
  uint64_t Steps = 0;
  bool Exhausted = false;

  ASTContext &Ctx;
  const SourceManager &SM;
  Constructor &Out;
  // slot() hands out pointers into the frames and the members that must
  // survive the calls translating an argument makes (a helper's frame
  // pushed, a local declared): containers whose elements never move.
  std::deque<Frame> Frames;
  std::vector<SymExprPtr> Guards;
  std::unordered_map<const FieldDecl *, SymExprPtr> Members;
  /// The unresolved and configuration-dependent lines already reported.
  std::unordered_set<std::string> Reported;
  Flow Pending = Flow::Normal;
  size_t LoopGuardDepth = 0; ///< Guards in force where the loop body began
  size_t Unrolled = 0;
  std::vector<unsigned> ActiveLoops; ///< symbolic loops around the walk
  /// How many symbolic loops were active where a container was made.
  std::map<const torchkc::SymExpr *, size_t> ContainerDepth;
  std::set<std::string> UsedLoopNames;
  /// The next index of a class that is itself a Sequential or ModuleList.
  SymExprPtr SelfIndex = SymExpr::makeInt(0);
  /// The registrations selfPush made that are named by their index.
  std::vector<size_t> SelfPushes;
  std::set<const FunctionDecl *> *Called;
  /// The module the first `torch::save(module, ...)` of the walk saves.
  SymExprPtr SavedModule;
};

} // namespace extract
} // namespace torchkc

#endif
