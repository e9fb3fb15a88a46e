package dev.bloop.service.llm.proxy;

/** Which provider API a proxied call is, by provider and path: where its usage lives depends on it. */
enum Api {
    OPENAI_CHAT("openai", "chat.completions"),
    OPENAI_RESPONSES("openai", "responses"),
    ANTHROPIC_MESSAGES("anthropic", "messages"),
    /** Any other path (embeddings, models, ...): forwarded, and recorded with what usage it carries. */
    OTHER(null, null);

    final String provider;
    final String label;

    Api(String provider, String label) {
        this.provider = provider;
        this.label = label;
    }

    static Api of(String provider, String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (provider.equals("openai")) {
            if (p.equals("chat/completions")) {
                return OPENAI_CHAT;
            }
            if (p.equals("responses")) {
                return OPENAI_RESPONSES;
            }
        } else if (p.equals("v1/messages") || p.equals("messages")) {
            return ANTHROPIC_MESSAGES;
        }
        return OTHER;
    }
}
