# Writes OUT, a C++ fragment holding each check's page (docs/checks/*.md)
# as TORCHKC_CHECK_DOC("name", R"...(page)...") lines, so the binary can
# give a check's documentation (SARIF rules' help) without the docs
# installed. Included by the top CMakeLists.txt with DOCS_DIR and OUT set.
file(GLOB pages "${DOCS_DIR}/*.md")
list(SORT pages)
set(text "// Generated from docs/checks/*.md by cmake/EmbedCheckDocs.cmake.\n")
foreach(page IN LISTS pages)
  get_filename_component(name "${page}" NAME_WE)
  file(READ "${page}" body)
  string(FIND "${body}" ")torchkc_doc\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${page}: contains the raw string's delimiter")
  endif()
  string(APPEND text "TORCHKC_CHECK_DOC(\"${name}\", R\"torchkc_doc(${body})torchkc_doc\")\n")
endforeach()
# Unchanged text keeps the file's time: nothing that includes it rebuilds.
set(old "")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
