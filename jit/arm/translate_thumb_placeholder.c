#include "jit/arm/translate.h"
__attribute__((weak)) void arm_translate_thumb(arm_tctx *t)
{
    arm_gen_undef(t);
}
