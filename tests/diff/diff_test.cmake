# diff_test.cmake: what the differential suites' CMakeLists (tests/diff, tests/diff_v7,
# tests/diff_vfp) share: the tools they need, found once (DIFF_TOOLS_FOUND), and
# diff_add_test(NAME SCRIPT WORKDIR ARGS...), which registers one run of a suite's runner
# (a tests/diff/harness.py main) against qemu-system-arm, labelled diff and qemu.
find_program(ARM_GCC arm-none-eabi-gcc)
find_program(ARM_OBJDUMP arm-none-eabi-objdump)
find_program(ARM_NM arm-none-eabi-nm)
find_program(QEMU_SYSTEM_ARM qemu-system-arm)
find_package(Python3 COMPONENTS Interpreter)
if(ARM_GCC AND ARM_OBJDUMP AND ARM_NM AND QEMU_SYSTEM_ARM AND Python3_Interpreter_FOUND)
    set(DIFF_TOOLS_FOUND TRUE)
else()
    set(DIFF_TOOLS_FOUND FALSE)
endif()

function(diff_add_test name script workdir)
    add_test(NAME ${name}
        COMMAND ${Python3_EXECUTABLE} ${script} --brassboard $<TARGET_FILE:brassboard>
                --workdir ${workdir} --qemu ${QEMU_SYSTEM_ARM} --gcc ${ARM_GCC}
                --objdump ${ARM_OBJDUMP} --nm ${ARM_NM} ${ARGN})
    set_tests_properties(${name} PROPERTIES TIMEOUT 300 LABELS "diff;qemu")
endfunction()
