# Runs `mmcheck litmus ARGS` and checks the exit code and that stdout matches a regex.
# Usage: cmake -DMMCHECK=<binary> "-DARGS=a;b" -DEXPECT_RC=<n> -DEXPECT_OUT=<regex>
#        [-DEXPECT_LINES=<n>] [-DREQUIRE_PATH=<path>] -P expect_run.cmake
# REQUIRE_PATH absent (../shared in a clone without it): one "SKIPPED: ..." line, and the test
# sets SKIP_REGULAR_EXPRESSION so ctest counts it as skipped.
if(DEFINED REQUIRE_PATH AND NOT EXISTS "${REQUIRE_PATH}")
    message("SKIPPED: ${REQUIRE_PATH} is absent (the project's shared folder is not beside this clone)")
    return()
endif()
execute_process(COMMAND ${MMCHECK} litmus ${ARGS}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL EXPECT_RC)
    message(FATAL_ERROR "exit code ${rc}, expected ${EXPECT_RC}; stderr: ${err}")
endif()
if(NOT out MATCHES "${EXPECT_OUT}")
    message(FATAL_ERROR "stdout does not match '${EXPECT_OUT}':\n${out}")
endif()
if(DEFINED EXPECT_LINES)
    string(REGEX MATCHALL "\n" newlines "${out}")
    list(LENGTH newlines n)
    if(NOT n EQUAL EXPECT_LINES)
        message(FATAL_ERROR "expected ${EXPECT_LINES} lines, got ${n}")
    endif()
endif()
