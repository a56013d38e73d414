/*
 * paths.h — what the programs are built with: version and the files they read
 * by default. CMakeLists.txt defines each (-DVSESSION_…); these fallbacks are
 * for a build without it, and are the same for vsession-api, vsessionctl and
 * vsession-mailer.
 */
#ifndef VSESSION_PATHS_H
#define VSESSION_PATHS_H

#ifndef VSESSION_VERSION
#define VSESSION_VERSION "unknown"
#endif
#ifndef VSESSION_CONFIG_FILE
#define VSESSION_CONFIG_FILE "/etc/vsession/vsession.env"
#endif
#ifndef VSESSION_JWT_SECRET_DEFAULT
#define VSESSION_JWT_SECRET_DEFAULT "/etc/vsession/jwt-secret"
#endif
#ifndef VSESSION_DATA_DIR
#define VSESSION_DATA_DIR "/usr/local/share/vsession"
#endif

#endif
