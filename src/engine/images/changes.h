/* SPDX-License-Identifier: Apache-2.0 */
/* `--change` for import and commit: Dockerfile instructions applied to an
 * image config's "config" object (Docker's member names: Cmd, Entrypoint,
 * Env, WorkingDir, User, Labels, ExposedPorts, Volumes, StopSignal), as
 * `docker commit --change` does:
 *
 *   CMD ["echo","hi"] | CMD echo hi      shell form: ["/bin/sh","-c","echo hi"]
 *   ENTRYPOINT ...                       same forms; clears Cmd unless a CMD
 *                                        came before it in the changes
 *   ENV K=V [K2="V 2"...] | ENV K V...   replaces K, keeps the others
 *   LABEL K=V...                         the same forms as ENV
 *   WORKDIR /p | WORKDIR rel             rel: below the current WorkingDir
 *   USER u[:g]     STOPSIGNAL SIG        EXPOSE 80 53/udp 8000-8002
 *   VOLUME ["/a"] | VOLUME /a /b
 *
 * Words are split as the Dockerfile lexer does ('...' literal, "..." and
 * \ escapes) and, except in CMD and ENTRYPOINT, $VAR, ${VAR},
 * ${VAR:-word} and ${VAR:+word} are replaced from the config's Env. One
 * change may hold several lines ('\' at a line's end joins the next; '#'
 * starts a comment line). Anything else (other instructions; HEALTHCHECK
 * and ONBUILD, which Docker takes, are not done here) is an error with
 * errnum 0, and then config is not changed at all. */
#ifndef MD_IMAGES_CHANGES_H
#define MD_IMAGES_CHANGES_H

#include <json-c/json.h>

#include "util/error.h"

/* Apply changes (NULL-terminated, or NULL) to config, in order. On an
 * error config is left as it was. */
int image_changes_apply(json_object *config, char *const *changes, md_error *err);

#endif
