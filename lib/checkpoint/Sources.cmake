# The checkpoint readers' sources (and the file opening every reader of
# input uses), listed once: the core builds them as
# torchkc_manifest, the fuzz build again with sanitizers.
set(TORCHKC_MANIFEST_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/Checkpoint.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ManifestJson.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ModuleArchive.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Pickle.cpp
  ${CMAKE_CURRENT_LIST_DIR}/PickleValues.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Rewrite.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Safetensors.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TorchSave.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TorchScriptArchive.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../support/Files.cpp
)
