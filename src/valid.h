/* valid.h: checks on what operators type: inventory names, libvirt URIs,
 * file names.  Each returns 0 when acceptable, or -1 with err_set() and a
 * sentence that says what to type instead. */
#ifndef VD_VALID_H
#define VD_VALID_H

#define VALID_NAME_MAX 64       /* characters */
#define VALID_URI_MAX 1024      /* bytes */

/* KIND names the object in the message ("data center", translated). */
int valid_name(const char *kind, const char *name);
int valid_uri(const char *uri);
/* A file name inside a storage domain: no '/', no "..", no leading dot,
 * no control characters, valid UTF-8 (text_valid), at most 255 bytes. */
int valid_file_name(const char *name);

#endif
