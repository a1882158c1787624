/* CLinux: Linux kernel interfaces Glibc's Swift module does not carry (TUN, netlink, epoll,
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
#include <sys/epoll.h>

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

/* ---- Batched datagram I/O (ESP data plane; HubNetworking/DatagramBatch.swift) ----
 * glibc declares struct mmsghdr, recvmmsg and sendmmsg only under _GNU_SOURCE, which the
 * Swift Glibc module is not built with. Same layout under our own names; the asm labels
 * bind them to glibc's symbols without clashing with a _GNU_SOURCE declaration. */
#include <time.h>
struct shim_mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};
extern int shim_recvmmsg(int fd, struct shim_mmsghdr *messages, unsigned int count, int flags,
                         struct timespec *timeout) __asm__("recvmmsg");
extern int shim_sendmmsg(int fd, struct shim_mmsghdr *messages, unsigned int count, int flags) __asm__("sendmmsg");
#endif
