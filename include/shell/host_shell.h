/* The one shell on the host console (shell/console_shell.c). */
#ifndef SHELL_HOST_SHELL_H
#define SHELL_HOST_SHELL_H

struct shell *host_shell_get(void);

#endif
