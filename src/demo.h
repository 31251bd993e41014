/* demo.h: the demo data center, virtdeck's embedded default.
 *
 * data/demo/demo.conf describes 2 data centers, 3 clusters, 6 hosts and
 * their storage domains; each host is a libvirt test-driver node file
 * (test:///ABSOLUTE/PATH/hostN.xml) with VMs in several states.  It needs
 * no root and no daemon, and is loaded into a private in-memory store:
 * the operator's own inventory is never written. */
#ifndef VD_DEMO_H
#define VD_DEMO_H

struct store;

/* Where virtdeck's data files are: $VIRTDECK_DATADIR, else data/ beside
 * the running binary (a build tree), else the installed PKGDATADIR.
 * Owned by the caller. */
char *demo_data_dir(void);

/* Add the demo inventory to s.  Returns 0 or -1 (err_set). */
int demo_load(struct store *s, const char *datadir);

#endif
