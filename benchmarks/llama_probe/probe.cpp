// A greedy generation with llama.cpp's C API, for two jobs: the same tokens from every build (x86 portable,
// arm64 under qemu) and a fair speed comparison of two builds (fixed threads, prompt and length).
// Prints one JSON line: the generated token ids, the prompt and generation speed, the time to the first token, and
// at each step the two highest logits (a near-tie there can fall either way between two builds).
// With -f ID,ID,... the continuation is teacher-forced: those tokens are fed instead of the argmax, one a step, so
// two builds are compared on the same context at every step instead of drifting apart after one near-tie.
// -o FILE writes every step's whole logit vector (float32, n_vocab a step) there, to measure how far two builds'
// logits are apart over the whole vocabulary. -x loads the weights without llama.cpp's extra buffer types, so the
// CPU backend does not repack them (AVX2 repacks Q4_K and Q4_0 into interleaved 8x8 blocks, NEON without dotprod
// repacks nothing): both builds then run the plain per-row dot products.
//   llama-probe -m model.gguf [-t threads] [-n tokens] [-f forced,ids] [-o logits.f32] [-x] prompt...
#include "llama.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

static double now_ms() {
    using clock = std::chrono::steady_clock;
    return std::chrono::duration<double, std::milli>(clock::now().time_since_epoch()).count();
}

static void batch_set_tokens(llama_batch_ext * batch, const llama_token * tokens, int32_t n, llama_pos pos_0) {
    llama_batch_ext_clear(batch);
    for (int32_t i = 0; i < n; ++i) {
        const int32_t idx = llama_batch_ext_add_token(batch, 0, tokens[i]);
        const llama_pos pos = pos_0 + i;
        llama_batch_ext_set_pos(batch, idx, &pos);
    }
    llama_batch_ext_set_output_logits(batch, n - 1, true);
}

static void quiet(ggml_log_level, const char *, void *) {}

struct step_logits {
    llama_token best, second;
    float best_logit, second_logit, forced_logit;
};

// The two highest logits (the first index wins a tie, as the greedy sampler's argmax does).
static step_logits top_two(const float * logits, int32_t n_vocab) {
    step_logits s{0, 1, logits[0], logits[1], 0.0f};
    if (s.second_logit > s.best_logit) { std::swap(s.best, s.second); std::swap(s.best_logit, s.second_logit); }
    for (int32_t i = 2; i < n_vocab; i++) {
        if (logits[i] > s.best_logit) {
            s.second = s.best; s.second_logit = s.best_logit; s.best = i; s.best_logit = logits[i];
        } else if (logits[i] > s.second_logit) {
            s.second = i; s.second_logit = logits[i];
        }
    }
    return s;
}

int main(int argc, char ** argv) {
    std::string model_path, prompt, logits_path;
    int threads = 2, n_predict = 16;
    bool extra_bufts = true;
    std::vector<llama_token> forced;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-m") && i + 1 < argc) model_path = argv[++i];
        else if (!strcmp(argv[i], "-f") && i + 1 < argc) {
            for (char * id = strtok(argv[++i], ","); id; id = strtok(nullptr, ",")) forced.push_back(atoi(id));
        }
        else if (!strcmp(argv[i], "-o") && i + 1 < argc) logits_path = argv[++i];
        else if (!strcmp(argv[i], "-x")) extra_bufts = false;
        else if (!strcmp(argv[i], "-t") && i + 1 < argc) threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-n") && i + 1 < argc) n_predict = atoi(argv[++i]);
        else prompt += (prompt.empty() ? "" : " ") + std::string(argv[i]);
    }
    if (model_path.empty() || prompt.empty() || n_predict < 1) {
        fprintf(stderr, "usage: %s -m model.gguf [-t threads] [-n tokens] [-f forced,ids] [-o logits.f32] [-x] prompt\n",
                argv[0]);
        return 2;
    }
    if (!forced.empty()) n_predict = (int) forced.size();
    llama_log_set(quiet, nullptr);
    llama_backend_init();
    llama_model_params model_params = llama_model_default_params();
    model_params.n_gpu_layers = 0;
    model_params.use_extra_bufts = extra_bufts;
    llama_model * model = llama_model_load_from_file(model_path.c_str(), model_params);
    if (!model) { fprintf(stderr, "cannot load %s\n", model_path.c_str()); return 1; }
    const llama_vocab * vocab = llama_model_get_vocab(model);
    const int n_prompt = -llama_tokenize(vocab, prompt.c_str(), prompt.size(), nullptr, 0, true, true);
    std::vector<llama_token> tokens(n_prompt);
    llama_tokenize(vocab, prompt.c_str(), prompt.size(), tokens.data(), tokens.size(), true, true);

    llama_context_params ctx_params = llama_context_default_params();
    ctx_params.n_ctx = n_prompt + n_predict;
    ctx_params.n_batch = n_prompt;
    ctx_params.n_threads = threads;
    ctx_params.n_threads_batch = threads;
    llama_context * ctx = llama_init_from_model(model, ctx_params);
    if (!ctx) { fprintf(stderr, "cannot create a context\n"); return 1; }
    llama_sampler * greedy = llama_sampler_chain_init(llama_sampler_chain_default_params());
    llama_sampler_chain_add(greedy, llama_sampler_init_greedy());
    llama_batch_ext * batch = llama_batch_ext_init(ctx);

    std::vector<llama_token> out;
    std::vector<step_logits> steps;
    const int32_t n_vocab = llama_vocab_n_tokens(vocab);
    FILE * logits_out = logits_path.empty() ? nullptr : fopen(logits_path.c_str(), "wb");
    if (!logits_path.empty() && !logits_out) { fprintf(stderr, "cannot write %s\n", logits_path.c_str()); return 1; }
    const double t0 = now_ms();
    double t_first = 0;
    batch_set_tokens(batch, tokens.data(), n_prompt, 0);
    int n_pos = 0, n_batch = n_prompt;
    while ((int) out.size() < n_predict) {
        if (llama_process(ctx, LLAMA_PROCESS_TYPE_DECODE, batch)) { fprintf(stderr, "decode failed\n"); return 1; }
        n_pos += n_batch;
        step_logits step = top_two(llama_get_logits_ith(ctx, -1), n_vocab);
        if (logits_out) fwrite(llama_get_logits_ith(ctx, -1), sizeof(float), n_vocab, logits_out);
        const llama_token best = llama_sampler_sample(greedy, ctx, -1);
        const llama_token id = forced.empty() ? best : forced[out.size()];
        step.best = best;  // the sampler's own choice, should the hand-rolled argmax ever disagree
        step.forced_logit = llama_get_logits_ith(ctx, -1)[id];
        if (out.empty()) t_first = now_ms();
        out.push_back(id);
        steps.push_back(step);
        if (forced.empty() && llama_vocab_is_eog(vocab, id)) break;
        batch_set_tokens(batch, &id, 1, n_pos);
        n_batch = 1;
    }
    const double t_end = now_ms();
    const double gen_s = (t_end - t_first) / 1000.0;
    std::string text;
    for (llama_token id : out) {
        char buf[256];
        const int n = llama_token_to_piece(vocab, id, buf, sizeof(buf), 0, true);
        if (n > 0) text.append(buf, n);
    }
    printf("{\"prompt_tokens\": %d, \"threads\": %d, \"first_token_ms\": %.3f, \"prompt_tps\": %.3f, "
           "\"gen_tps\": %.3f, \"tokens\": [", n_prompt, threads, t_first - t0, n_prompt / ((t_first - t0) / 1000.0),
           out.size() > 1 ? (out.size() - 1) / gen_s : 0.0);
    for (size_t i = 0; i < out.size(); i++) printf("%s%d", i ? ", " : "", out[i]);
    printf("], \"forced\": %s, \"steps\": [", forced.empty() ? "false" : "true");
    for (size_t i = 0; i < steps.size(); i++) {
        const step_logits & s = steps[i];
        printf("%s{\"best\": %d, \"best_logit\": %.6f, \"second\": %d, \"second_logit\": %.6f, "
               "\"fed_logit\": %.6f}", i ? ", " : "", s.best, s.best_logit, s.second, s.second_logit, s.forced_logit);
    }
    printf("], \"extra_bufts\": %s, \"text_bytes\": %zu}\n", extra_bufts ? "true" : "false", text.size());
    fprintf(stderr, "%s\n", text.c_str());
    if (logits_out) fclose(logits_out);
    llama_batch_ext_free(batch);
    llama_sampler_free(greedy);
    llama_free(ctx);
    llama_model_free(model);
    llama_backend_free();
    return 0;
}
