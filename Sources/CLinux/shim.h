/* CLinux: Linux kernel interfaces Glibc's Swift module does not carry (TUN, netlink,
 * XFRM). Header-only. <netinet/in.h> MUST precede the linux/ headers: libc-compat.h
 * then skips the kernel's own in6_addr, which would clash with Glibc's. */
#ifndef IKEHUB_CLINUX_SHIM_H
#define IKEHUB_CLINUX_SHIM_H
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>
#include <linux/if_tun.h>

/* _IOW()-built ioctl numbers are function-like macros: not imported. */
static const unsigned long SHIM_TUNSETIFF = TUNSETIFF;
static const unsigned long SHIM_TUNSETPERSIST = TUNSETPERSIST;

/* struct ifreq's ifr_name / ifr_flags are #define aliases into unions: not imported. */
static inline void shim_ifreq_set_name(struct ifreq *request, const char *name) {
    strncpy(request->ifr_name, name, IFNAMSIZ - 1);
    request->ifr_name[IFNAMSIZ - 1] = 0;
}
static inline const char *shim_ifreq_name(const struct ifreq *request) { return request->ifr_name; }
static inline void shim_ifreq_set_flags(struct ifreq *request, short flags) { request->ifr_flags = flags; }

/* setns(2) is declared by <sched.h> only under _GNU_SOURCE, which a module header must
 * not define for everyone; declare it here. CLONE_NEWNET is likewise GNU-only. */
extern int setns(int fd, int nstype);
static const int SHIM_CLONE_NEWNET = 0x40000000;

static inline unsigned shim_NLMSG_ALIGN(unsigned len) { return NLMSG_ALIGN(len); }
static inline unsigned shim_NLMSG_HDRLEN(void) { return NLMSG_HDRLEN; }
#endif
