/*
 * sluice.h: the Linux / glibc ABI that Sluice binds through the FFM API, in one header.
 *
 * Nothing here is compiled into Sluice: the bindings in native-bindings are written by hand.
 * This header is
 *   - what jextract is pointed at (scripts/jextract.sh), to generate bindings to compare with
 *     the hand-written ones;
 *   - the input of headers/layout_check.c, which prints the size and offset of every struct
 *     and field listed below and the value of every constant, as the system headers and the
 *     C compiler see them; LayoutTest compares those with the Java layouts and constants.
 *
 * It includes the real system headers and declares nothing of its own, except the lists
 * below (X-macros) and, where the headers lack them, SOL_TCP and SOL_UDP. scripts/jextract.sh
 * reads the names out of the lists with sed: keep entries in the forms shown, every line of a
 * list ending in a backslash.
 *
 *   SLUICE_FUNCTIONS(X)     X(name)                       C functions we call
 *   SLUICE_STRUCTS(S, F, B) S(tag, F(field) B(bitfield))  structs, with the fields we use
 *   SLUICE_TYPES(T)         T(name, C type)               typedefs and sizes we rely on
 *   SLUICE_CONSTANTS(X)     X(NAME)                       macros and enum constants
 *   SLUICE_ERRNOS(X)        X(ENAME)                      every errno Errno.name() knows
 *
 * Linux x86-64 / aarch64 (LP64, little-endian) only, like the bindings.
 */
#ifndef SLUICE_H
#define SLUICE_H

#ifndef _GNU_SOURCE
/* cpu_set_t, sched_getcpu, setns, CLONE_NEWNET, sendmmsg, recvmmsg. */
#define _GNU_SOURCE 1
#endif

/* glibc first: <linux/libc-compat.h> then keeps the kernel headers from redefining its types. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/ip.h>

/* Kernel UAPI headers (linux-libc-dev). Not <netinet/tcp.h> or <netinet/udp.h>: glibc's own
 * struct tcp_info and struct udphdr there clash with these. */
#include <linux/version.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/sockios.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/inet_diag.h>
#include <linux/rtnetlink.h>
#include <linux/pkt_sched.h>
#include <linux/gen_stats.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 5, 0)
#error "sluice.h needs kernel headers (linux-libc-dev) 5.5 or newer: struct tcp_info up to tcpi_snd_wnd"
#endif

/*
 * SOL_TCP and SOL_UDP come from glibc's <netinet/tcp.h> and <netinet/udp.h>, which cannot be
 * included together with <linux/tcp.h> and <linux/udp.h> (see above). For the kernel an option
 * level of a protocol is its protocol number (socket(7), tcp(7), udp(7)), so when the headers
 * above do not define them they are the IPPROTO_ values.
 */
#ifndef SOL_TCP
#define SOL_TCP IPPROTO_TCP
#define SLUICE_SOL_TCP_IS_IPPROTO 1
#endif
#ifndef SOL_UDP
#define SOL_UDP IPPROTO_UDP
#define SLUICE_SOL_UDP_IS_IPPROTO 1
#endif

/*
 * Functions, by the Java class that binds them (prototypes as the bindings call them; glibc
 * declares them in the headers above):
 *
 * Sockets    int socket(int domain, int type, int protocol);
 *            int bind(int fd, const struct sockaddr *addr, socklen_t len);
 *            int connect(int fd, const struct sockaddr *addr, socklen_t len);
 *            int close(int fd);
 *            int getsockname(int fd, struct sockaddr *addr, socklen_t *len);
 *            int getpeername(int fd, struct sockaddr *addr, socklen_t *len);
 *            int setsockopt(int fd, int level, int name, const void *value, socklen_t len);
 *            int getsockopt(int fd, int level, int name, void *value, socklen_t *len);
 *                (TcpInfo: level SOL_TCP, name TCP_INFO, value a struct tcp_info;
 *                 TCP_CONGESTION: value a char[] name, TCP_CA_NAME_MAX = 16)
 * Datagrams  ssize_t sendto(int fd, const void *buf, size_t len, int flags,
 *                           const struct sockaddr *addr, socklen_t addrlen);
 *            ssize_t sendmsg(int fd, const struct msghdr *msg, int flags);
 *            int sendmmsg(int fd, struct mmsghdr *vec, unsigned int n, int flags);
 *            ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
 *                             struct sockaddr *addr, socklen_t *addrlen);
 *            int recvmmsg(int fd, struct mmsghdr *vec, unsigned int n, int flags,
 *                         struct timespec *timeout);
 * SockIoctl  int ioctl(int fd, unsigned long request, ...);   (int * for SIOCINQ/SIOCOUTQ/SIOCOUTQNSD)
 * Clocks     int clock_gettime(clockid_t clock, struct timespec *ts);
 * Sched      int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *set);
 *            int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set);
 *            int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param);
 *            int sched_getscheduler(pid_t pid);
 *            int sched_getcpu(void);
 * Namespaces int open(const char *path, int flags, ...);
 *            int setns(int fd, int nstype);
 * Errno      char *strerror(int errnum);
 */
#define SLUICE_FUNCTIONS(X) \
    X(socket) \
    X(bind) \
    X(connect) \
    X(close) \
    X(getsockname) \
    X(getpeername) \
    X(setsockopt) \
    X(getsockopt) \
    X(sendto) \
    X(sendmsg) \
    X(sendmmsg) \
    X(recvfrom) \
    X(recvmmsg) \
    X(ioctl) \
    X(clock_gettime) \
    X(sched_setaffinity) \
    X(sched_getaffinity) \
    X(sched_setscheduler) \
    X(sched_getscheduler) \
    X(sched_getcpu) \
    X(open) \
    X(setns) \
    X(strerror)

/*
 * struct tcp_info grows at its end with new kernels. The fields every supported header has,
 * then the later ones, each group guarded by the header version that added it. A guard that
 * is too low breaks the build on headers between; one that is too high makes LayoutTest fail
 * ("the header has these bytes but layout_check.c printed no field there"). Both are loud.
 */
#define SLUICE_TCP_INFO_FIELDS_5_5(F, B) \
    F(tcpi_state) F(tcpi_ca_state) F(tcpi_retransmits) F(tcpi_probes) \
    F(tcpi_backoff) F(tcpi_options) \
    B(tcpi_snd_wscale) B(tcpi_rcv_wscale) \
    B(tcpi_delivery_rate_app_limited) B(tcpi_fastopen_client_fail) \
    F(tcpi_rto) F(tcpi_ato) F(tcpi_snd_mss) F(tcpi_rcv_mss) \
    F(tcpi_unacked) F(tcpi_sacked) F(tcpi_lost) F(tcpi_retrans) F(tcpi_fackets) \
    F(tcpi_last_data_sent) F(tcpi_last_ack_sent) F(tcpi_last_data_recv) F(tcpi_last_ack_recv) \
    F(tcpi_pmtu) F(tcpi_rcv_ssthresh) F(tcpi_rtt) F(tcpi_rttvar) \
    F(tcpi_snd_ssthresh) F(tcpi_snd_cwnd) F(tcpi_advmss) F(tcpi_reordering) \
    F(tcpi_rcv_rtt) F(tcpi_rcv_space) F(tcpi_total_retrans) \
    F(tcpi_pacing_rate) F(tcpi_max_pacing_rate) F(tcpi_bytes_acked) F(tcpi_bytes_received) \
    F(tcpi_segs_out) F(tcpi_segs_in) \
    F(tcpi_notsent_bytes) F(tcpi_min_rtt) F(tcpi_data_segs_in) F(tcpi_data_segs_out) \
    F(tcpi_delivery_rate) \
    F(tcpi_busy_time) F(tcpi_rwnd_limited) F(tcpi_sndbuf_limited) \
    F(tcpi_delivered) F(tcpi_delivered_ce) \
    F(tcpi_bytes_sent) F(tcpi_bytes_retrans) F(tcpi_dsack_dups) F(tcpi_reord_seen) \
    F(tcpi_rcv_ooopack) F(tcpi_snd_wnd)

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define SLUICE_TCP_INFO_FIELDS_6_2(F, B) F(tcpi_rcv_wnd) F(tcpi_rehash)
#else
#define SLUICE_TCP_INFO_FIELDS_6_2(F, B)
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
#define SLUICE_TCP_INFO_FIELDS_6_7(F, B) \
    F(tcpi_total_rto) F(tcpi_total_rto_recoveries) F(tcpi_total_rto_time)
#else
#define SLUICE_TCP_INFO_FIELDS_6_7(F, B)
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 18, 0)
#define SLUICE_TCP_INFO_FIELDS_6_18(F, B) \
    F(tcpi_received_ce) \
    F(tcpi_delivered_e1_bytes) F(tcpi_delivered_e0_bytes) F(tcpi_delivered_ce_bytes) \
    F(tcpi_received_e1_bytes) F(tcpi_received_e0_bytes) F(tcpi_received_ce_bytes) \
    B(tcpi_ecn_mode) B(tcpi_accecn_opt_seen) B(tcpi_accecn_fail_mode) B(tcpi_options2)
#else
#define SLUICE_TCP_INFO_FIELDS_6_18(F, B)
#endif

#define SLUICE_TCP_INFO_FIELDS(F, B) \
    SLUICE_TCP_INFO_FIELDS_5_5(F, B) SLUICE_TCP_INFO_FIELDS_6_2(F, B) \
    SLUICE_TCP_INFO_FIELDS_6_7(F, B) SLUICE_TCP_INFO_FIELDS_6_18(F, B)

/*
 * Structs by tag: S(tag, fields). F(name) is a field, B(name) a bit-field. Nested structs
 * (inet_diag_msg.id) and arrays (sin_zero, idiag_src) are one field each; nested structs have
 * their own entry. Flexible array members are left out (inet_diag_hostcond.addr: it starts at
 * sizeof, and newer headers declare it [] where sizeof is an error). The netlink ones
 * (nlmsghdr onwards) are for dev.sluice.bindings.netlink.
 */
#define SLUICE_STRUCTS(S, F, B) \
    S(tcp_info, SLUICE_TCP_INFO_FIELDS(F, B)) \
    S(timespec, F(tv_sec) F(tv_nsec)) \
    S(sockaddr_in, F(sin_family) F(sin_port) F(sin_addr) F(sin_zero)) \
    S(sockaddr_in6, F(sin6_family) F(sin6_port) F(sin6_flowinfo) F(sin6_addr) F(sin6_scope_id)) \
    S(sockaddr_storage, F(ss_family)) \
    S(iovec, F(iov_base) F(iov_len)) \
    S(msghdr, F(msg_name) F(msg_namelen) F(msg_iov) F(msg_iovlen) F(msg_control) F(msg_controllen) F(msg_flags)) \
    S(mmsghdr, F(msg_hdr) F(msg_len)) \
    S(sched_param, F(sched_priority)) \
    S(nlmsghdr, F(nlmsg_len) F(nlmsg_type) F(nlmsg_flags) F(nlmsg_seq) F(nlmsg_pid)) \
    S(sockaddr_nl, F(nl_family) F(nl_pad) F(nl_pid) F(nl_groups)) \
    S(nlmsgerr, F(error) F(msg)) \
    S(rtattr, F(rta_len) F(rta_type)) \
    S(inet_diag_sockid, F(idiag_sport) F(idiag_dport) F(idiag_src) F(idiag_dst) F(idiag_if) F(idiag_cookie)) \
    S(inet_diag_req_v2, F(sdiag_family) F(sdiag_protocol) F(idiag_ext) F(pad) F(idiag_states) F(id)) \
    S(inet_diag_msg, F(idiag_family) F(idiag_state) F(idiag_timer) F(idiag_retrans) F(id) F(idiag_expires) F(idiag_rqueue) F(idiag_wqueue) F(idiag_uid) F(idiag_inode)) \
    S(inet_diag_bc_op, F(code) F(yes) F(no)) \
    S(inet_diag_hostcond, F(family) F(prefix_len) F(port)) \
    S(inet_diag_meminfo, F(idiag_rmem) F(idiag_wmem) F(idiag_fmem) F(idiag_tmem)) \
    S(tcmsg, F(tcm_family) F(tcm__pad1) F(tcm__pad2) F(tcm_ifindex) F(tcm_handle) F(tcm_parent) F(tcm_info)) \
    S(ifinfomsg, F(ifi_family) F(__ifi_pad) F(ifi_type) F(ifi_index) F(ifi_flags) F(ifi_change)) \
    S(gnet_stats_basic, F(bytes) F(packets)) \
    S(gnet_stats_queue, F(qlen) F(backlog) F(drops) F(requeues) F(overlimits)) \
    S(tc_stats, F(bytes) F(packets) F(drops) F(overlimits) F(bps) F(pps) F(qlen) F(backlog))

/* Typedefs and scalar types whose size the bindings assume (LibC.C_*, Sched.CPU_SET_BYTES). */
#define SLUICE_TYPES(T) \
    T(char, char) \
    T(short, short) \
    T(int, int) \
    T(long, long) \
    T(pointer, void *) \
    T(size_t, size_t) \
    T(ssize_t, ssize_t) \
    T(socklen_t, socklen_t) \
    T(sa_family_t, sa_family_t) \
    T(clockid_t, clockid_t) \
    T(pid_t, pid_t) \
    T(time_t, time_t) \
    T(cpu_set_t, cpu_set_t)

/* Constants: SockOpt, ClockId, Sched, Namespaces, then netlink ones for the netlink bindings. */
#define SLUICE_CONSTANTS(X) \
    X(AF_UNSPEC) \
    X(AF_UNIX) \
    X(AF_INET) \
    X(AF_INET6) \
    X(AF_NETLINK) \
    X(SOCK_STREAM) \
    X(SOCK_DGRAM) \
    X(SOCK_RAW) \
    X(SOCK_NONBLOCK) \
    X(SOCK_CLOEXEC) \
    X(IPPROTO_IP) \
    X(IPPROTO_TCP) \
    X(IPPROTO_UDP) \
    X(IPPROTO_RAW) \
    X(SOL_SOCKET) \
    X(SOL_IP) \
    X(SOL_TCP) \
    X(SOL_UDP) \
    X(SO_TYPE) \
    X(SO_SNDBUF) \
    X(SO_RCVBUF) \
    X(SO_PRIORITY) \
    X(SO_PROTOCOL) \
    X(SO_DOMAIN) \
    X(IP_TOS) \
    X(IP_HDRINCL) \
    X(IP_MTU_DISCOVER) \
    X(IP_MTU) \
    X(SOL_IPV6) \
    X(IPV6_MTU) \
    X(TCP_NODELAY) \
    X(TCP_INFO) \
    X(TCP_CONGESTION) \
    X(TCP_NOTSENT_LOWAT) \
    X(UDP_SEGMENT) \
    X(MSG_DONTWAIT) \
    X(MSG_TRUNC) \
    X(SIOCINQ) \
    X(SIOCOUTQ) \
    X(SIOCOUTQNSD) \
    X(CLOCK_REALTIME) \
    X(CLOCK_MONOTONIC) \
    X(CLOCK_MONOTONIC_RAW) \
    X(CLOCK_BOOTTIME) \
    X(SCHED_OTHER) \
    X(SCHED_FIFO) \
    X(SCHED_RR) \
    X(CLONE_NEWNET) \
    X(O_RDONLY) \
    X(O_CLOEXEC) \
    X(NETLINK_ROUTE) \
    X(NETLINK_SOCK_DIAG) \
    X(SOL_NETLINK) \
    X(NETLINK_EXT_ACK) \
    X(NETLINK_CAP_ACK) \
    X(NETLINK_GET_STRICT_CHK) \
    X(NLMSG_ALIGNTO) \
    X(NLMSG_NOOP) \
    X(NLMSG_ERROR) \
    X(NLMSG_DONE) \
    X(NLMSG_OVERRUN) \
    X(NLM_F_REQUEST) \
    X(NLM_F_MULTI) \
    X(NLM_F_DUMP_INTR) \
    X(NLM_F_CAPPED) \
    X(NLMSG_MIN_TYPE) \
    X(NLM_F_ACK) \
    X(NLM_F_ROOT) \
    X(NLM_F_MATCH) \
    X(NLM_F_DUMP) \
    X(NLM_F_ACK_TLVS) \
    X(NLMSGERR_ATTR_MSG) \
    X(SOCK_DIAG_BY_FAMILY) \
    X(INET_DIAG_NOCOOKIE) \
    X(INET_DIAG_REQ_BYTECODE) \
    X(INET_DIAG_BC_S_GE) \
    X(INET_DIAG_BC_S_LE) \
    X(INET_DIAG_BC_D_GE) \
    X(INET_DIAG_BC_D_LE) \
    X(INET_DIAG_BC_JMP) \
    X(INET_DIAG_BC_S_COND) \
    X(INET_DIAG_BC_D_COND) \
    X(INET_DIAG_MEMINFO) \
    X(INET_DIAG_INFO) \
    X(INET_DIAG_CGROUP_ID) \
    X(INET_DIAG_CONG) \
    X(INET_DIAG_SKMEMINFO) \
    X(RTA_ALIGNTO) \
    X(RTM_NEWLINK) \
    X(RTM_GETLINK) \
    X(RTM_NEWQDISC) \
    X(RTM_GETQDISC) \
    X(TCA_KIND) \
    X(TCA_OPTIONS) \
    X(TCA_STATS) \
    X(TCA_STATS2) \
    X(TCA_STATS_BASIC) \
    X(TCA_STATS_RATE_EST) \
    X(TCA_STATS_QUEUE) \
    X(TCA_STATS_PKT64) \
    X(TCA_STATS_APP) \
    X(IFLA_IFNAME) \
    X(IFLA_MTU) \
    X(TC_H_ROOT) \
    X(TC_H_UNSPEC)

/* Every errno name Errno.name() knows (generic Linux numbering), without aliases
 * (EWOULDBLOCK = EAGAIN, EDEADLOCK = EDEADLK, ENOTSUP = EOPNOTSUPP). */
#define SLUICE_ERRNOS(X) \
    X(EPERM) X(ENOENT) X(ESRCH) X(EINTR) X(EIO) X(ENXIO) X(E2BIG) X(ENOEXEC) X(EBADF) \
    X(ECHILD) X(EAGAIN) X(ENOMEM) X(EACCES) X(EFAULT) X(ENOTBLK) X(EBUSY) X(EEXIST) X(EXDEV) \
    X(ENODEV) X(ENOTDIR) X(EISDIR) X(EINVAL) X(ENFILE) X(EMFILE) X(ENOTTY) X(ETXTBSY) X(EFBIG) \
    X(ENOSPC) X(ESPIPE) X(EROFS) X(EMLINK) X(EPIPE) X(EDOM) X(ERANGE) X(EDEADLK) X(ENAMETOOLONG) \
    X(ENOLCK) X(ENOSYS) X(ENOTEMPTY) X(ELOOP) X(ENOMSG) X(EIDRM) X(ECHRNG) X(EL2NSYNC) \
    X(EL3HLT) X(EL3RST) X(ELNRNG) X(EUNATCH) X(ENOCSI) X(EL2HLT) X(EBADE) X(EBADR) X(EXFULL) \
    X(ENOANO) X(EBADRQC) X(EBADSLT) X(EBFONT) X(ENOSTR) X(ENODATA) X(ETIME) X(ENOSR) \
    X(ENONET) X(ENOPKG) X(EREMOTE) X(ENOLINK) X(EADV) X(ESRMNT) X(ECOMM) X(EPROTO) X(EMULTIHOP) \
    X(EDOTDOT) X(EBADMSG) X(EOVERFLOW) X(ENOTUNIQ) X(EBADFD) X(EREMCHG) X(ELIBACC) X(ELIBBAD) \
    X(ELIBSCN) X(ELIBMAX) X(ELIBEXEC) X(EILSEQ) X(ERESTART) X(ESTRPIPE) X(EUSERS) X(ENOTSOCK) \
    X(EDESTADDRREQ) X(EMSGSIZE) X(EPROTOTYPE) X(ENOPROTOOPT) X(EPROTONOSUPPORT) \
    X(ESOCKTNOSUPPORT) X(EOPNOTSUPP) X(EPFNOSUPPORT) X(EAFNOSUPPORT) X(EADDRINUSE) \
    X(EADDRNOTAVAIL) X(ENETDOWN) X(ENETUNREACH) X(ENETRESET) X(ECONNABORTED) X(ECONNRESET) \
    X(ENOBUFS) X(EISCONN) X(ENOTCONN) X(ESHUTDOWN) X(ETOOMANYREFS) X(ETIMEDOUT) X(ECONNREFUSED) \
    X(EHOSTDOWN) X(EHOSTUNREACH) X(EALREADY) X(EINPROGRESS) X(ESTALE) X(EUCLEAN) X(ENOTNAM) \
    X(ENAVAIL) X(EISNAM) X(EREMOTEIO) X(EDQUOT) X(ENOMEDIUM) X(EMEDIUMTYPE) X(ECANCELED) \
    X(ENOKEY) X(EKEYEXPIRED) X(EKEYREVOKED) X(EKEYREJECTED) X(EOWNERDEAD) X(ENOTRECOVERABLE) \
    X(ERFKILL) X(EHWPOISON)

#endif /* SLUICE_H */
