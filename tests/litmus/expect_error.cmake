# Runs `mmcheck litmus FILE` and requires what the issue asks of bad input: exit code 2,
# nothing on stdout, and exactly one stderr line `FILE:LINE:COLUMN: message`.
# Usage: cmake -DMMCHECK=<binary> -DFILE=<litmus file> -P expect_error.cmake
execute_process(COMMAND ${MMCHECK} litmus ${FILE}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 2)
    message(FATAL_ERROR "exit code ${rc}, expected 2; stderr: ${err}")
endif()
if(NOT out STREQUAL "")
    message(FATAL_ERROR "stdout not empty: ${out}")
endif()
string(REGEX MATCHALL "\n" newlines "${err}")
list(LENGTH newlines n)
if(NOT n EQUAL 1)
    message(FATAL_ERROR "expected one stderr line, got ${n}: ${err}")
endif()
string(REGEX MATCH "^[^\n]*:[0-9]+:[0-9]+: [^\n]+\n$" ok "${err}")
if(NOT ok)
    message(FATAL_ERROR "stderr is not 'file:line:column: message': ${err}")
endif()
string(FIND "${err}" "${FILE}:" at)
if(NOT at EQUAL 0)
    message(FATAL_ERROR "stderr does not start with the file name: ${err}")
endif()
