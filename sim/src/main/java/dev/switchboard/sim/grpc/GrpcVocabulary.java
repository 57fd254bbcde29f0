package dev.switchboard.sim.grpc;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.switchboard.sim.engine.SimOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The token ids the gRPC simulator emits: with a tokenizer, the ids of ordinary words (each a single token with
 * its leading space) so the output decodes to readable text; without one, fixed ids 1000 and up.
 */
public final class GrpcVocabulary {

    /** First id of the fixed vocabulary used without a tokenizer. */
    public static final int FIXED_BASE_ID = 1000;

    private final int[] ids;
    private final boolean fromTokenizer;

    private GrpcVocabulary(int[] ids, boolean fromTokenizer) {
        this.ids = ids;
        this.fromTokenizer = fromTokenizer;
    }

    /** Fixed ids {@code 1000 + i}, one per word of {@link SimOutput#vocabulary()}. */
    public static GrpcVocabulary fixed() {
        int[] ids = new int[SimOutput.vocabulary().size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = FIXED_BASE_ID + i;
        }
        return new GrpcVocabulary(ids, false);
    }

    /** Ordinary-word ids of a HuggingFace tokenizer.json (or a directory holding one). */
    public static GrpcVocabulary fromTokenizer(String tokenizerPath) {
        Path path = Path.of(tokenizerPath);
        if (Files.isDirectory(path)) {
            path = path.resolve("tokenizer.json");
        }
        Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false",
                "modelMaxLength", "10000000");
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(path, options)) {
            List<Integer> ids = new ArrayList<>();
            for (String word : SimOutput.vocabulary()) {
                long[] encoded = tokenizer.encode(" " + word, false, false).getIds();
                if (encoded.length == 1) {
                    ids.add((int) encoded[0]);
                }
            }
            if (ids.isEmpty()) {
                throw new IllegalArgumentException("no single-token words in tokenizer " + path);
            }
            return new GrpcVocabulary(ids.stream().mapToInt(Integer::intValue).toArray(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load tokenizer " + path, e);
        }
    }

    public static GrpcVocabulary forPath(String tokenizerPath) {
        return tokenizerPath == null || tokenizerPath.isBlank() ? fixed() : fromTokenizer(tokenizerPath);
    }

    /** The id for a vocabulary word index (as chosen by {@link SimOutput#wordIndex}). */
    public int id(int wordIndex) {
        return ids[wordIndex % ids.length];
    }

    public int size() {
        return ids.length;
    }

    public boolean fromTokenizer() {
        return fromTokenizer;
    }
}
