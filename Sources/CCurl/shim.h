#ifndef RELANCE_CCURL_SHIM_H
#define RELANCE_CCURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic macros that Swift does
// not import: typed wrappers, one per argument type.
static inline CURLcode relance_curl_setopt_long(CURL *h, CURLoption o, long v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode relance_curl_setopt_string(CURL *h, CURLoption o, const char *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode relance_curl_setopt_pointer(CURL *h, CURLoption o, void *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode relance_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) {
    return curl_easy_setopt(h, o, v);
}
typedef size_t (*relance_curl_io_callback)(char *, size_t, size_t, void *);
static inline CURLcode relance_curl_setopt_callback(CURL *h, CURLoption o, relance_curl_io_callback v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode relance_curl_getinfo_long(CURL *h, CURLINFO i, long *v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode relance_curl_getinfo_string(CURL *h, CURLINFO i, char **v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode relance_curl_getinfo_socket(CURL *h, CURLINFO i, curl_socket_t *v) {
    return curl_easy_getinfo(h, i, v);
}
// CURL_GLOBAL_DEFAULT is a macro expression Swift does not import.
static inline CURLcode relance_curl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}
#endif
