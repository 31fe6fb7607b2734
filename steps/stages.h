/* Every step's stage, as solutions/ and exercises/ define them. */
#pragma once

#include "container.h"

extern const struct byoc_stage byoc_stage_chroot;  /* 01-chroot */
extern const struct byoc_stage byoc_stage_pidns;   /* 02-pid-ns */
extern const struct byoc_stage byoc_stage_mount;   /* 03-mount-ns */
extern const struct byoc_stage byoc_stage_cgroups; /* 04-cgroups */
extern const struct byoc_stage byoc_stage_overlay; /* 05-overlayfs */
extern const struct byoc_stage byoc_stage_net;	   /* 06-netns-veth */
extern const struct byoc_stage byoc_stage_caps;	   /* 07-capabilities */
