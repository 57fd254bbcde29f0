package dev.switchboard.gateway.text.detok;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The real Qwen3 tokenizer from shared/testdata, loaded once per JVM, as a {@link TokenDecoder} plus encode. */
final class Qwen3Fixture {
    /** Ids 0..151642 are the BPE vocabulary, 151643..151668 the added tokens of tokenizer_config.json. */
    static final int VOCAB_END = 151_669;
    static final int IM_END = 151_645;
    static final int ENDOFTEXT = 151_643;

    private static HuggingFaceTokenizer tokenizer;

    private Qwen3Fixture() {
    }

    static synchronized HuggingFaceTokenizer tokenizer() {
        if (tokenizer == null) {
            try {
                tokenizer = HuggingFaceTokenizer.newInstance(tokenizerDir(), Map.of(
                        "addSpecialTokens", "false", "truncation", "false", "modelMaxLength", "10000000"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tokenizer;
    }

    static TokenDecoder decoder() {
        HuggingFaceTokenizer t = tokenizer();
        return (ids, skipSpecial) -> {
            long[] longs = new long[ids.length];
            for (int i = 0; i < ids.length; i++) {
                longs[i] = ids[i];
            }
            return t.decode(longs, skipSpecial);
        };
    }

    static int[] encode(String text) {
        long[] ids = tokenizer().encode(text).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /** Walks up from the working directory to the first ancestor that has shared/testdata/tokenizers/qwen3. */
    static Path tokenizerDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/testdata/tokenizers/qwen3");
            if (Files.isRegularFile(candidate.resolve("tokenizer.json"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/testdata/tokenizers/qwen3 not found above " + Path.of("").toAbsolutePath());
    }
}
