/* Every step's stage, as solutions/ and exercises/ define them. */
#pragma once

#include "container.h"

extern const struct byoc_stage byoc_stage_chroot; /* 01-chroot */
