# Runs torch-keycheck with its output to a file, then fails when it did:
# a SARIF report must be written even for a check that finds errors.
# cmake -DCOMMAND=... -DARGS=a;b;c -DOUTPUT=file -P TorchKeyCheckRun.cmake
execute_process(COMMAND ${COMMAND} ${ARGS}
                OUTPUT_FILE "${OUTPUT}"
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "torch-keycheck exited with ${result}; see ${OUTPUT}")
endif()
