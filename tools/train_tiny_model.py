#!/usr/bin/python3
"""Train a tiny latent diffusion model on synthetic captioned shapes, exported in diffusers' ONNX layout.

Why: the committed models/tiny-sd has random weights, so nothing a person sees proves that the prompt reaches
the image, that classifier-free guidance works or that the schedulers agree. This script trains a model with
Stable Diffusion's structure at toy scale, on CPU, from data it draws itself (nothing is downloaded), so that
"a red circle on a blue background" gives a red circle on blue through the real worker pipeline.

Run (Debian's torch and onnx, as for make_tiny_model.py; TRAINING.md records how long it took):

    nice /usr/bin/python3 tools/train_tiny_model.py                    # writes models/tiny-shapes/
    nice /usr/bin/python3 tools/train_tiny_model.py --quick --out /tmp/shapes-quick   # a few minutes, smaller

What it does, in order:
 1. Data: 64x64 scenes of one circle, square or triangle in one of eight colours on a background of another,
    large in the centre or small at the centre or a corner, drawn anti-aliased (4x supersampling) from numpy's
    PCG64 stream. Captions in several phrasings ("a red circle on a blue background", "blue background with a
    small red circle at the top left", "a red circle", "a blue background", ...). Some (shape, colour) pairs
    and some (shape, colour, background) triples never appear in training (HELD_OUT_*): the evaluation asks
    for them to see whether the model composes what it learnt rather than recalling pictures.
 2. VAE (AutoencoderKL's structure: 3 stride-2 downsamplings, 4 latent channels, a diagonal Gaussian
    posterior), trained first on reconstruction (MSE + L1) with a small KL term. Its scaling factor is
    1 / std of the latents it produces on the training images, as SD's 0.18215 was chosen.
 3. Text encoder (CLIP's text transformer: token + position embeddings over the real 49,408-token CLIP
    vocabulary, causal pre-LN blocks with quick-GELU, final LayerNorm, 77 tokens padded with <|endoftext|>
    as SD 1.x pads) and UNet (ResBlocks with timestep embedding, Transformer2D blocks with self- and
    cross-attention on the text at every level), trained together for epsilon prediction on SD 1.5's
    schedule (scaled_linear 0.00085..0.012, 1000 steps) with Min-SNR-5 loss weights, 10 % of captions
    replaced by the empty prompt (classifier-free guidance) and an EMA of the weights that is exported.
 4. Evaluation with DDIM (eta 0, 25 steps, leading spacing + steps_offset 1, guidance 7.5) on prompts of
    training and held-out combinations; each picture is measured as the Java tests measure it (every pixel
    labelled with its nearest palette colour; the background is the most frequent label, the foreground
    the most frequent other label among clean pixels; the shape from how much of its bounding box the
    foreground fills; see measure). The rules and the palette go to training.json, which the tests read.
 5. Export in the layout and tensor names of models/tiny-sd (see make_tiny_model.py), and TRAINING.md +
    training.json (settings, loss curve, evaluation, palette) next to the model.

Deterministic for a seed on one machine and thread count (torch.use_deterministic_algorithms; the data, the
initial weights' seed and every random draw come from seeded generators). Unlike make_tiny_model.py it is
not bit-identical across CPUs: training sums millions of float32 products whose last bits depend on the
CPU's vector width, and training amplifies them.
"""

import argparse
import json
import ctypes
import math
import os
import re
import shutil
import sys
import time
from pathlib import Path

# Speed on the 2-core machine, not numerics (the torch thread count, --threads, is what the numbers depend on):
# - one thread per pool, set before numpy and torch start theirs: a second OpenMP / OpenBLAS thread spun beside
#   torch's, and torch.set_num_threads alone does not stop it;
# - glibc keeps freed memory instead of unmapping it and faulting it back in at every step (half of a step's
#   CPU time had gone to the kernel). With both, a VAE step ran 3x and a UNet step over 2x faster than without.
# Steps still slow down over a run (0.21 s per UNet step at first, 0.5-0.7 s after a few minutes): the machine
# does, not the script - a pure-Python loop timed on the other, idle core slowed from 0.31 s to 0.56-0.62 s while
# training ran and recovered a minute or two after it stopped. The step defaults are sized for the slow phase.
for _pool in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_pool, "1")
try:
    _libc = ctypes.CDLL("libc.so.6")
    _libc.mallopt(-1, 2**31 - 1)  # M_TRIM_THRESHOLD: do not give the heap's top back
    _libc.mallopt(-2, 1 << 28)  # M_TOP_PAD: grow the heap 256 MB at a time
    _libc.mallopt(-3, 1 << 25)  # M_MMAP_THRESHOLD: blocks up to 32 MB from the heap, not from mmap
except OSError:  # not glibc: the defaults only cost time
    pass

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import onnx  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_tiny_model import (  # noqa: E402  the blocks and export helpers of the random tiny model
    ClipLayer, ResBlock, SpatialTransformer, timestep_frequencies, timestep_embedding, export_text_encoder,
    export_unet, export_vae, export_vae_encoder, write_json, write_configs, VOCAB_SIZE, MAX_POSITIONS,
    DIFFUSERS_VERSION, DEFAULT_CLIP)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "models" / "tiny-shapes"

BOS, EOS = 49406, 49407
IMAGE = 64
LATENT_CHANNELS = 4

# ----------------------------------------------------------------------------------------------
# 1. Data
# ----------------------------------------------------------------------------------------------
# Colours far apart in RGB, each one CLIP token. The Java tests read this palette from training.json.
PALETTE = {
    "red": (215, 35, 35),
    "orange": (245, 145, 25),
    "yellow": (245, 225, 40),
    "green": (35, 160, 60),
    "blue": (40, 80, 215),
    "purple": (135, 55, 175),
    "white": (245, 245, 245),
    "black": (20, 20, 20),
}
COLOURS = list(PALETTE)
SHAPES = ["circle", "square", "triangle"]
# (name in captions, centre x, centre y) of a small shape; large shapes are centred
POSITIONS = [("center", 32, 32), ("top left", 17, 17), ("top right", 47, 17), ("bottom left", 17, 47),
             ("bottom right", 47, 47)]
SMALL, LARGE = 22, 38  # extent in pixels (circle diameter, triangle base; squares a bit smaller, see render)
JITTER = 2
LARGE_SHARE = 0.6  # large shapes cover ~28 % of the picture: their colour weighs in the loss (small ones ~9 %)
# Never drawn in training: whole (shape, colour) pairs, and (shape, colour, background) triples.
HELD_OUT_PAIRS = [("triangle", "yellow"), ("circle", "purple"), ("square", "orange")]
HELD_OUT_TRIPLES = [("circle", "red", "green"), ("square", "blue", "yellow"), ("triangle", "white", "black"),
                    ("circle", "green", "white"), ("square", "black", "orange"), ("triangle", "orange", "blue"),
                    ("circle", "yellow", "purple"), ("square", "white", "red")]


def held_out(shape, colour, background):
    return (shape, colour) in HELD_OUT_PAIRS or (shape, colour, background) in HELD_OUT_TRIPLES


def training_triples():
    return [(s, c, b) for s in SHAPES for c in COLOURS for b in COLOURS if b != c and not held_out(s, c, b)]


def held_out_triples():
    return [(s, c, b) for s in SHAPES for c in COLOURS for b in COLOURS if b != c and held_out(s, c, b)]


SS = 4  # supersampling factor of the renderer
_GRID = (np.arange(IMAGE * SS, dtype=np.float64) + 0.5) / SS


def render(shape, colour, background, cx, cy, extent):
    """One scene as float32 [3, 64, 64] in [-1, 1] (the VAE's input range)."""
    x = _GRID[None, :]
    y = _GRID[:, None]
    r = extent / 2.0
    if shape == "circle":
        inside = (x - cx) ** 2 + (y - cy) ** 2 <= r * r
    elif shape == "square":
        half = r * 0.85  # same visual weight as the circle
        inside = (np.abs(x - cx) <= half) & (np.abs(y - cy) <= half)
    else:  # upward equilateral triangle, centred on its bounding box
        h = extent * math.sqrt(3) / 2
        top, bottom = cy - h / 2, cy + h / 2
        rel = (y - top) / h  # 0 at the apex, 1 at the base
        inside = (rel >= 0) & (rel <= 1) & (np.abs(x - cx) <= rel * r)
    alpha = inside.reshape(IMAGE, SS, IMAGE, SS).mean(axis=(1, 3))[None]
    fg = np.array(PALETTE[colour], dtype=np.float64)[:, None, None] / 127.5 - 1
    bg = np.array(PALETTE[background], dtype=np.float64)[:, None, None] / 127.5 - 1
    return (bg * (1 - alpha) + fg * alpha).astype(np.float32)


def random_scene(rng, triples):
    s, c, b = triples[rng.integers(len(triples))]
    if rng.random() < LARGE_SHARE:
        size, (pos, cx, cy), extent = "large", POSITIONS[0], LARGE
    else:
        size, (pos, cx, cy), extent = "small", POSITIONS[rng.integers(len(POSITIONS))], SMALL
    cx += rng.integers(-JITTER, JITTER + 1)
    cy += rng.integers(-JITTER, JITTER + 1)
    return {"shape": s, "colour": c, "background": b, "size": size, "position": pos,
            "image": render(s, c, b, cx, cy, extent)}


def a(word):
    """The word with its English indefinite article: "a red", "an orange"."""
    return ("an " if word[0] in "aeiou" else "a ") + word


def where(position):
    return "in the center" if position == "center" else f"at the {position}"


# Phrasings with their weights; the ones that leave the background or the shape unsaid teach the model what
# "a red circle" alone or "blue background" (a negative prompt) means.
PHRASINGS = [
    (3, lambda d: f"{a(d['colour'])} {d['shape']} on {a(d['background'])} background"),
    (2, lambda d: f"{d['background']} background with a {d['size']} {d['colour']} {d['shape']} {where(d['position'])}"),
    (2, lambda d: f"a {d['size']} {d['colour']} {d['shape']} {where(d['position'])} on {a(d['background'])} background"),
    (1, lambda d: f"a {d['size']} {d['colour']} {d['shape']} on {d['background']}"),
    (1, lambda d: f"{a(d['background'])} background with {a(d['colour'])} {d['shape']}"),
    (1, lambda d: f"{d['colour']} {d['shape']}, {d['background']} background"),
    (1, lambda d: f"{a(d['colour'])} {d['shape']}"),
    (1, lambda d: f"a {d['size']} {d['colour']} {d['shape']} {where(d['position'])}"),
    (1, lambda d: f"{d['background']} background"),
]
CAPTION_DROPOUT = 0.1


def random_caption(rng, scene):
    if rng.random() < CAPTION_DROPOUT:
        return ""
    weights = np.array([w for w, _ in PHRASINGS], dtype=np.float64)
    return PHRASINGS[rng.choice(len(PHRASINGS), p=weights / weights.sum())][1](scene)


# ----------------------------------------------------------------------------------------------
# CLIP tokenizer (the BPE of openai/CLIP over tokenizer/vocab.json + merges.txt), ASCII captions only
# ----------------------------------------------------------------------------------------------
def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) + list(
        range(ord("\xae"), ord("\xff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


class ClipTokenizer:
    # CLIP's split pattern with \p{L} / \p{N} narrowed to ASCII (the captions here are ASCII; checked)
    PATTERN = re.compile(r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[a-z]+|[0-9]|[^\sa-z0-9]+")

    def __init__(self, clip_dir):
        self.encoder = json.loads((clip_dir / "vocab.json").read_text(encoding="utf-8"))
        lines = (clip_dir / "merges.txt").read_text(encoding="utf-8").split("\n")[1:49152 - 256 - 2 + 1]
        self.ranks = {tuple(line.split()): i for i, line in enumerate(lines) if line}
        self.byte_encoder = bytes_to_unicode()
        self.cache = {}

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        while len(word) > 1:
            pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = tuple(merged)
        self.cache[token] = word
        return word

    def ids(self, text):
        """SD 1.x's text-encoder input: [BOS] + tokens[:75] + [EOS], padded to 77 with EOS."""
        if not text.isascii():
            raise ValueError(f"ASCII captions only: {text!r}")
        clean = " ".join(text.split()).lower()
        tokens = []
        for piece in self.PATTERN.findall(clean):
            piece = "".join(self.byte_encoder[b] for b in piece.encode("utf-8"))
            tokens.extend(self.encoder[t] for t in self.bpe(piece))
        out = [BOS] + tokens[:MAX_POSITIONS - 2] + [EOS]
        return out + [EOS] * (MAX_POSITIONS - len(out))


def check_tokenizer(tok, cases_file):
    """Our BPE against the golden ids (the ASCII cases without HTML entities, which this tokenizer skips)."""
    cases = json.loads(cases_file.read_text(encoding="utf-8"))
    checked = 0
    for case in cases:
        p = case["prompt"]
        if p.isascii() and "&" not in p and "<" not in p:
            assert tok.ids(p) == case["input_ids"], f"tokenizer differs from the golden ids on {p!r}"
            checked += 1
    return checked


# ----------------------------------------------------------------------------------------------
# 2. VAE (AutoencoderKL's structure at toy width)
# ----------------------------------------------------------------------------------------------
VAE_CHANNELS = (8, 16, 32, 64)  # at 64, 32, 16 and 8 pixels per side
GROUPS = 8  # of the UNet's GroupNorms


def vae_groups(channels):
    """GroupNorm groups of 8 channels: a flat-coloured picture gives spatially constant features, whose colour
    only survives a norm as the difference between the channels of one group (SD's VAE has 4 per group of
    natural images; one channel per group would erase every flat colour)."""
    return max(1, channels // 8)


class Encoder(nn.Module):
    """sample [b,3,H,W] -> latent_parameters [b,8,H/8,W/8]: 4 means, then 4 log-variances (diffusers'
    DiagonalGaussianDistribution order), quant_conv included as diffusers' AutoencoderKL.encode does."""

    def __init__(self):
        super().__init__()
        c0, c1, c2, c3 = VAE_CHANNELS
        self.conv_in = nn.Conv2d(3, c0, 3, padding=1)
        self.down = nn.ModuleList([nn.Conv2d(c0, c1, 3, stride=2, padding=1), ResBlock(c1, c1, groups=vae_groups(c1)),
                                   nn.Conv2d(c1, c2, 3, stride=2, padding=1), ResBlock(c2, c2, groups=vae_groups(c2)),
                                   nn.Conv2d(c2, c3, 3, stride=2, padding=1), ResBlock(c3, c3, groups=vae_groups(c3)),
                                   ResBlock(c3, c3, groups=vae_groups(c3))])
        self.norm_out = nn.GroupNorm(vae_groups(c3), c3)
        self.conv_out = nn.Conv2d(c3, 2 * LATENT_CHANNELS, 3, padding=1)
        self.quant_conv = nn.Conv2d(2 * LATENT_CHANNELS, 2 * LATENT_CHANNELS, 1)

    def forward(self, sample):
        h = self.conv_in(sample)
        for layer in self.down:
            h = layer(h)
        params = self.quant_conv(self.conv_out(F.silu(self.norm_out(h))))
        mean, logvar = params.chunk(2, dim=1)
        return torch.cat([mean, logvar.clamp(-30.0, 20.0)], dim=1)


class Decoder(nn.Module):
    """latent_sample [b,4,h,w] (unscaled: the pipeline divides by scaling_factor first) -> sample [b,3,8h,8w]."""

    def __init__(self):
        super().__init__()
        c0, c1, c2, c3 = VAE_CHANNELS
        self.post_quant_conv = nn.Conv2d(LATENT_CHANNELS, LATENT_CHANNELS, 1)
        self.conv_in = nn.Conv2d(LATENT_CHANNELS, c3, 3, padding=1)
        self.mid = nn.ModuleList([ResBlock(c3, c3, groups=vae_groups(c3)), ResBlock(c3, c3, groups=vae_groups(c3))])
        self.up = nn.ModuleList([
            nn.ModuleList([nn.Conv2d(c3, c2, 3, padding=1), ResBlock(c2, c2, groups=vae_groups(c2))]),
            nn.ModuleList([nn.Conv2d(c2, c1, 3, padding=1), ResBlock(c1, c1, groups=vae_groups(c1))]),
            nn.ModuleList([nn.Conv2d(c1, c0, 3, padding=1), ResBlock(c0, c0, groups=vae_groups(c0))])])
        self.norm_out = nn.GroupNorm(vae_groups(c0), c0)
        self.conv_out = nn.Conv2d(c0, 3, 3, padding=1)

    def forward(self, latent_sample):
        h = self.conv_in(self.post_quant_conv(latent_sample))
        for block in self.mid:
            h = block(h)
        for conv, res in self.up:
            h = res(conv(F.interpolate(h, scale_factor=2.0, mode="nearest")))
        return self.conv_out(F.silu(self.norm_out(h)))


# ----------------------------------------------------------------------------------------------
# 3. Text encoder and UNet
# ----------------------------------------------------------------------------------------------
TEXT_HIDDEN = 32  # as models/tiny-sd: the token table is most of the folder's size
TEXT_LAYERS = 3
TEXT_HEADS = 2
UNET_CHANNELS = (32, 64)  # at 8x8 and 4x4 latents (64x64 images)
LAYERS_PER_BLOCK = 1
UNET_HEADS = 2
TIME_PROJ_DIM = 32
TIME_EMBED_DIM = 128


class TextEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.token_embedding = nn.Embedding(VOCAB_SIZE, TEXT_HIDDEN)
        self.position_embedding = nn.Embedding(MAX_POSITIONS, TEXT_HIDDEN)
        self.layers = nn.ModuleList([ClipLayer(TEXT_HIDDEN, TEXT_HEADS) for _ in range(TEXT_LAYERS)])
        self.final_layer_norm = nn.LayerNorm(TEXT_HIDDEN)
        self.register_buffer("causal_mask", torch.full((MAX_POSITIONS, MAX_POSITIONS), float("-inf")).triu(1),
                             persistent=False)
        self.register_buffer("position_ids", torch.arange(MAX_POSITIONS), persistent=False)
        nn.init.normal_(self.token_embedding.weight, std=0.02)  # CLIP's initialisation
        nn.init.normal_(self.position_embedding.weight, std=0.01)

    half_table = None  # set for the export (HalfTableTextEncoder)

    def embed(self, ids):
        if self.half_table is not None:
            return F.embedding(ids, self.half_table).float()
        return self.token_embedding(ids)

    def forward(self, input_ids):
        seq = input_ids.shape[1]
        ids = input_ids.long()
        x = self.embed(ids) + self.position_embedding(self.position_ids[:seq])
        mask = self.causal_mask[:seq, :seq]
        for layer in self.layers:
            x = layer(x, mask)
        last = self.final_layer_norm(x)
        eos = ids.argmax(dim=-1)  # CLIP pools at the first end-of-text token (the highest id)
        return last, last[torch.arange(last.shape[0]), eos]


class HalfTableTextEncoder(nn.Module):
    """The exported text encoder: the 49,408 x 32 token table stored in float16 (3 MB instead of 6; the
    trained rows lose nothing that matters, the untrained ones are noise anyway) and cast to float32 after
    the lookup, so the graph's inputs, outputs and arithmetic stay as CLIP's."""

    def __init__(self, text):
        super().__init__()
        self.text = text
        text.half_table = text.token_embedding.weight.detach().half()

    def forward(self, input_ids):
        return self.text(input_ids)


class UNet(nn.Module):
    """UNet2DConditionModel's shape: conv_in; down levels (at 8x8 and 4x4 latents for 64x64 images) of
    LAYERS_PER_BLOCK x (ResBlock + Transformer2D with self- and cross-attention), each but the last followed by
    a stride-2 downsample; a mid block (ResBlock, Transformer2D, ResBlock); up levels of LAYERS_PER_BLOCK + 1
    x (ResBlock on the concatenated skip + Transformer2D), each but the last followed by a nearest x2 upsample
    and a conv; GroupNorm, SiLU, conv_out. Predicts epsilon."""

    def __init__(self):
        super().__init__()
        ch = UNET_CHANNELS
        self.register_buffer("time_frequencies", timestep_frequencies(TIME_PROJ_DIM), persistent=False)
        self.in_channels, self.int64_timestep = LATENT_CHANNELS, False  # what make_tiny_model's export_unet reads
        self.time_fc1 = nn.Linear(TIME_PROJ_DIM, TIME_EMBED_DIM)
        self.time_fc2 = nn.Linear(TIME_EMBED_DIM, TIME_EMBED_DIM)
        self.conv_in = nn.Conv2d(LATENT_CHANNELS, ch[0], 3, padding=1)
        st = lambda c: SpatialTransformer(c, TEXT_HIDDEN, heads=UNET_HEADS)  # noqa: E731
        skip_channels = [ch[0]]
        self.down_res, self.down_attn, self.down_sample = nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        cin = ch[0]
        for level, c in enumerate(ch):
            self.down_res.append(nn.ModuleList([ResBlock(cin if i == 0 else c, c, TIME_EMBED_DIM)
                                                for i in range(LAYERS_PER_BLOCK)]))
            self.down_attn.append(nn.ModuleList([st(c) for _ in range(LAYERS_PER_BLOCK)]))
            skip_channels += [c] * LAYERS_PER_BLOCK
            cin = c
            if level < len(ch) - 1:
                self.down_sample.append(nn.Conv2d(c, c, 3, stride=2, padding=1))
                skip_channels.append(c)
        self.mid_res1 = ResBlock(cin, cin, TIME_EMBED_DIM)
        self.mid_attn = st(cin)
        self.mid_res2 = ResBlock(cin, cin, TIME_EMBED_DIM)
        self.up_res, self.up_attn, self.up_conv = nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        for level, c in reversed(list(enumerate(ch))):
            blocks = []
            for _ in range(LAYERS_PER_BLOCK + 1):
                blocks.append(ResBlock(cin + skip_channels.pop(), c, TIME_EMBED_DIM))
                cin = c
            self.up_res.append(nn.ModuleList(blocks))
            self.up_attn.append(nn.ModuleList([st(c) for _ in blocks]))
            if level > 0:
                self.up_conv.append(nn.Conv2d(c, c, 3, padding=1))
        self.norm_out = nn.GroupNorm(GROUPS, ch[0], eps=1e-5)
        self.conv_out = nn.Conv2d(ch[0], LATENT_CHANNELS, 3, padding=1)
        nn.init.zeros_(self.conv_out.weight)  # start as "predict zero noise", as diffusion codebases do
        nn.init.zeros_(self.conv_out.bias)

    def forward(self, sample, timestep, encoder_hidden_states):
        # one timestep for the batch ([1]) or one per item ([batch]), as diffusers' UNet accepts
        t = timestep.reshape(-1).expand(sample.shape[0])
        emb = self.time_fc2(F.silu(self.time_fc1(timestep_embedding(t, self.time_frequencies))))
        ctx = encoder_hidden_states
        h = self.conv_in(sample)
        skips = [h]
        for level in range(len(self.down_res)):
            for res, attn in zip(self.down_res[level], self.down_attn[level]):
                h = attn(res(h, emb), ctx)
                skips.append(h)
            if level < len(self.down_sample):
                h = self.down_sample[level](h)
                skips.append(h)
        h = self.mid_res2(self.mid_attn(self.mid_res1(h, emb), ctx), emb)
        for level in range(len(self.up_res)):
            for res, attn in zip(self.up_res[level], self.up_attn[level]):
                h = attn(res(torch.cat([h, skips.pop()], dim=1), emb), ctx)
            if level < len(self.up_conv):
                h = self.up_conv[level](F.interpolate(h, scale_factor=2.0, mode="nearest"))
        return self.conv_out(F.silu(self.norm_out(h)))


# SD 1.5's training schedule (diffusers' scaled_linear: linspace of square roots, squared; float32)
def alphas_cumprod():
    betas = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, 1000, dtype=torch.float32) ** 2
    return torch.cumprod(1.0 - betas, dim=0)


MIN_SNR_GAMMA = 5.0


# ----------------------------------------------------------------------------------------------
# Measurement (the same rule as the Java tests' ShapePicture)
# ----------------------------------------------------------------------------------------------
PALETTE_ARRAY = np.array([PALETTE[c] for c in COLOURS], dtype=np.float64)
SQUARE_FILL, TRIANGLE_FILL = 0.9, 0.64  # bounding-box fill: square ~1, circle ~pi/4, triangle ~1/2
CLEAN = 45.0  # RGB distance within which a pixel counts as a palette colour rather than a blend of two
MIN_SHAPE_PIXELS = 20  # fewest foreground pixels that make a shape (a small one has about 300)
# The rules above as training.json records them for the Java tests (ShapePicture), so both measure alike.
MEASURE_RULES = {"clean": CLEAN, "square_fill": SQUARE_FILL, "triangle_fill": TRIANGLE_FILL,
                 "min_shape_pixels": MIN_SHAPE_PIXELS}


def measure(rgb):
    """rgb uint8 [64,64,3] -> (background, foreground or None, shape or None).

    Every pixel takes its nearest palette colour; the background is the most frequent one. The foreground is
    the most frequent other colour among the clean pixels (within CLEAN of their palette colour): a soft edge
    between a red shape and a blue background is a ring of blends, some of which lie nearest to purple, and a
    small shape's ring can outnumber it. The shape is the set of pixels nearer to the foreground colour than
    to the background colour; its class follows from how much of its bounding box it fills."""
    px = rgb.reshape(-1, 3).astype(np.float64)
    d = ((px[:, None, :] - PALETTE_ARRAY[None]) ** 2).sum(-1)
    labels = d.argmin(-1)
    bg = int(np.bincount(labels, minlength=len(COLOURS)).argmax())
    if (labels == bg).all():
        return COLOURS[bg], None, None  # one colour only: no foreground
    clean = (d.min(-1) <= CLEAN * CLEAN) & (labels != bg)
    counts = np.bincount(labels[clean] if clean.any() else labels[labels != bg], minlength=len(COLOURS))
    counts[bg] = 0
    fg = int(counts.argmax())
    mask = (d[:, fg] < d[:, bg]).reshape(rgb.shape[0], rgb.shape[1])
    shape = None
    if mask.sum() >= MIN_SHAPE_PIXELS:
        ys, xs = np.nonzero(mask)
        fill = mask.sum() / ((ys.max() - ys.min() + 1) * (xs.max() - xs.min() + 1))
        shape = "square" if fill >= SQUARE_FILL else "circle" if fill >= TRIANGLE_FILL else "triangle"
    return COLOURS[bg], COLOURS[fg], shape


def to_uint8(images):
    """diffusers' postprocess: (x / 2 + 0.5).clamp(0, 1) * 255, rounded."""
    return ((images / 2 + 0.5).clamp(0, 1) * 255).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()


# ----------------------------------------------------------------------------------------------
# Training
# ----------------------------------------------------------------------------------------------
def lr_at(step, total, peak, warmup):
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))


def train_vae(args, rng, triples, log):
    encoder, decoder = Encoder(), Decoder()
    params = list(encoder.parameters()) + list(decoder.parameters())
    opt = torch.optim.Adam(params, lr=args.vae_lr)
    curve = []
    began = time.time()
    running = []
    for step in range(args.vae_steps):
        batch = torch.from_numpy(np.stack([random_scene(rng, triples)["image"] for _ in range(args.vae_batch)]))
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args.vae_steps, args.vae_lr, 50)
        params_out = encoder(batch)
        mean, logvar = params_out.chunk(2, dim=1)
        z = mean + torch.exp(0.5 * logvar) * torch.randn_like(mean)
        recon = decoder(z)
        rec = F.mse_loss(recon, batch) + 0.5 * F.l1_loss(recon, batch)
        kl = 0.5 * (mean ** 2 + logvar.exp() - 1 - logvar).mean()
        loss = rec + args.kl_weight * kl
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        running.append((rec.item(), kl.item()))
        if (step + 1) % args.log_every == 0 or step + 1 == args.vae_steps:
            r, k = np.mean(running, axis=0)
            running = []
            curve.append({"step": step + 1, "reconstruction": round(float(r), 5), "kl": round(float(k), 4)})
            log(f"vae step {step + 1}/{args.vae_steps} rec {r:.5f} kl {k:.3f} ({time.time() - began:.0f}s)")
    return encoder.eval(), decoder.eval(), curve, time.time() - began


def finetune_decoder(args, encoder, decoder, triples, log):
    """The decoder trained further with the encoder frozen, as Stability's sd-vae-ft-mse decoder was: the latent
    space the UNet learnt stays exactly as it is, and the pictures get sharper. Its own random streams (seed + 1),
    so that it can run on a checkpoint of the earlier stages (--resume-from) with the same result."""
    rng = np.random.Generator(np.random.PCG64(args.seed + 1))
    gen = torch.Generator().manual_seed(args.seed + 1)
    decoder.train()
    opt = torch.optim.Adam(decoder.parameters(), lr=args.decoder_lr)
    curve, running = [], []
    began = time.time()
    for step in range(args.decoder_steps):
        batch = torch.from_numpy(np.stack([random_scene(rng, triples)["image"] for _ in range(args.vae_batch)]))
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args.decoder_steps, args.decoder_lr, 20)
        with torch.no_grad():
            mean, logvar = encoder(batch).chunk(2, dim=1)
            z = mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=gen)
        recon = decoder(z)
        loss = F.mse_loss(recon, batch) + 0.5 * F.l1_loss(recon, batch)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(decoder.parameters(), 1.0)
        opt.step()
        running.append(loss.item())
        if (step + 1) % args.log_every == 0 or step + 1 == args.decoder_steps:
            curve.append({"step": step + 1, "reconstruction": round(float(np.mean(running)), 5)})
            log(f"decoder step {step + 1}/{args.decoder_steps} rec {np.mean(running):.5f} ({time.time() - began:.0f}s)")
            running = []
    return decoder.eval(), curve, time.time() - began


class Ema:
    def __init__(self, modules, decay):
        self.decay = decay
        self.shadow = [[p.detach().clone() for p in m.parameters()] for m in modules]

    @torch.no_grad()
    def update(self, modules, step):
        d = min(self.decay, (1 + step) / (10 + step))
        for shadow, m in zip(self.shadow, modules):
            for s, p in zip(shadow, m.parameters()):
                s.mul_(d).add_(p.detach(), alpha=1 - d)

    @torch.no_grad()
    def copy_to(self, modules):
        for shadow, m in zip(self.shadow, modules):
            for s, p in zip(shadow, m.parameters()):
                p.copy_(s)


def train_diffusion(args, rng, scenes, latents_mean, latents_std, scaling, tok, log):
    text, unet = TextEncoder(), UNet()
    modules = [text, unet]
    params = [p for m in modules for p in m.parameters()]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)
    ema = Ema(modules, args.ema)
    ac = alphas_cumprod()
    curve = []
    running = []
    began = time.time()
    n = len(scenes)
    for step in range(args.steps):
        idx = rng.integers(n, size=args.batch)
        captions = [random_caption(rng, scenes[i]) for i in idx]
        ids = torch.tensor([tok.ids(c) for c in captions], dtype=torch.int32)
        eps_latent = torch.from_numpy(rng.standard_normal((args.batch, LATENT_CHANNELS, 8, 8)).astype(np.float32))
        x0 = (latents_mean[idx] + latents_std[idx] * eps_latent) * scaling  # latent_dist.sample() * scaling
        t = torch.from_numpy(rng.integers(0, 1000, size=args.batch))
        noise = torch.from_numpy(rng.standard_normal((args.batch, LATENT_CHANNELS, 8, 8)).astype(np.float32))
        a = ac[t].reshape(-1, 1, 1, 1)
        xt = a.sqrt() * x0 + (1 - a).sqrt() * noise
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args.steps, args.lr, 100)
        ctx = text(ids)[0]
        pred = unet(xt, t.float(), ctx)
        snr = a.reshape(-1) / (1 - a.reshape(-1))
        weight = torch.clamp(snr, max=MIN_SNR_GAMMA) / snr  # Min-SNR-gamma for epsilon prediction
        loss = (weight * ((pred - noise) ** 2).mean(dim=(1, 2, 3))).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        ema.update(modules, step)
        running.append(loss.item())
        if (step + 1) % args.log_every == 0 or step + 1 == args.steps:
            curve.append({"step": step + 1, "loss": round(float(np.mean(running)), 5)})
            log(f"unet step {step + 1}/{args.steps} loss {np.mean(running):.5f} ({time.time() - began:.0f}s)")
            running = []
    ema.copy_to(modules)
    return text.eval(), unet.eval(), curve, time.time() - began


@torch.no_grad()
def encode_dataset(encoder, images, chunk=256):
    means, stds = [], []
    for i in range(0, len(images), chunk):
        mean, logvar = encoder(images[i:i + chunk]).chunk(2, dim=1)
        means.append(mean)
        stds.append(torch.exp(0.5 * logvar))
    return torch.cat(means), torch.cat(stds)


# ----------------------------------------------------------------------------------------------
# 4. Evaluation (DDIM as diffusers' DDIMScheduler: eta 0, leading spacing, steps_offset 1, no alpha-to-one)
# ----------------------------------------------------------------------------------------------
@torch.no_grad()
def ddim_sample(text, unet, decoder, scaling, tok, prompts, seeds, steps=25, guidance=7.5, chunk=64):
    ac = alphas_cumprod()
    ratio = 1000 // steps
    timesteps = [i * ratio + 1 for i in range(steps)][::-1]
    uncond = text(torch.tensor([tok.ids("")], dtype=torch.int32))[0]
    out = []
    for i in range(0, len(prompts), chunk):
        p = prompts[i:i + chunk]
        cond = text(torch.tensor([tok.ids(x) for x in p], dtype=torch.int32))[0]
        ctx = torch.cat([uncond.expand(len(p), -1, -1), cond])
        x = torch.stack([torch.from_numpy(np.random.Generator(np.random.PCG64(s)).standard_normal(
            (LATENT_CHANNELS, 8, 8)).astype(np.float32)) for s in seeds[i:i + chunk]])
        for t in timesteps:
            e = unet(torch.cat([x, x]), torch.full((2 * len(p),), float(t)), ctx)
            eu, ec = e.chunk(2)
            eps = eu + guidance * (ec - eu)
            a = ac[t]
            prev = t - ratio
            a_prev = ac[prev] if prev >= 0 else ac[0]
            x0 = (x - (1 - a).sqrt() * eps) / a.sqrt()
            x = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps
        out.append(to_uint8(decoder(x / scaling)))
    return np.concatenate(out)


def evaluate(text, unet, decoder, scaling, tok, seeds_per_prompt, log):
    """Accuracy of colour, background and shape on every held-out triple and as many training triples."""
    triples_out = held_out_triples()
    rng = np.random.Generator(np.random.PCG64(7))
    train = training_triples()
    triples_in = [train[i] for i in rng.choice(len(train), size=len(triples_out), replace=False)]
    results = {}
    for name, triples in (("training combinations", triples_in), ("held-out combinations", triples_out)):
        prompts, seeds, expect = [], [], []
        for s, c, b in triples:
            for k in range(seeds_per_prompt):
                prompts.append(f"{a(c)} {s} on {a(b)} background")
                seeds.append(1000 + k)
                expect.append((b, c, s))
        images = ddim_sample(text, unet, decoder, scaling, tok, prompts, seeds)
        got = [measure(im) for im in images]
        colour = np.mean([g[1] == e[1] for g, e in zip(got, expect)])
        bg = np.mean([g[0] == e[0] for g, e in zip(got, expect)])
        shape = np.mean([g[2] == e[2] for g, e in zip(got, expect)])
        allok = np.mean([g[0] == e[0] and g[1] == e[1] and g[2] == e[2] for g, e in zip(got, expect)])
        results[name] = {"triples": len(triples), "images": len(images), "colour": round(float(colour), 3),
                         "background": round(float(bg), 3), "shape": round(float(shape), 3),
                         "all three": round(float(allok), 3)}
        log(f"eval {name}: {results[name]}")
        if name == "held-out combinations":
            for part, members in (("held-out pairs", lambda s, c, b: (s, c) in HELD_OUT_PAIRS),
                                  ("held-out triples", lambda s, c, b: (s, c, b) in HELD_OUT_TRIPLES)):
                pick = [j for j in range(len(got)) if members(expect[j][2], expect[j][1], expect[j][0])]
                results[part] = {
                    "images": len(pick),
                    "colour": round(float(np.mean([got[j][1] == expect[j][1] for j in pick])), 3),
                    "background": round(float(np.mean([got[j][0] == expect[j][0] for j in pick])), 3),
                    "shape": round(float(np.mean([got[j][2] == expect[j][2] for j in pick])), 3),
                    "all three": round(float(np.mean([got[j] == expect[j] for j in pick])), 3)}
                log(f"eval {part}: {results[part]}")
            results[name]["per triple"] = {
                f"{c} {s} on {b}": round(float(np.mean([
                    got[j][0] == b and got[j][1] == c and got[j][2] == s
                    for j in range(len(got)) if expect[j] == (b, c, s)])), 2) for s, c, b in triples}
    return results


@torch.no_grad()
def vae_quality(encoder, decoder, rng, triples, n=256):
    images = torch.from_numpy(np.stack([random_scene(rng, triples)["image"] for _ in range(n)]))
    mean, _ = encoder(images).chunk(2, dim=1)
    recon = decoder(mean)
    a, b = to_uint8(images), to_uint8(recon)
    agree = np.mean([measure(x)[:2] == measure(y)[:2] for x, y in zip(a, b)])
    return {"psnr_db": round(float(10 * math.log10(4.0 / F.mse_loss(recon.clamp(-1, 1), images).item())), 2),
            "colours_kept": round(float(agree), 3)}


# ----------------------------------------------------------------------------------------------
# 5. Export
# ----------------------------------------------------------------------------------------------
def export_model(out, clip_dir, text, unet, encoder, decoder, scaling):
    if out.exists():
        shutil.rmtree(out)
    write_configs(out, clip_dir)  # index, scheduler (SD 1.5's PNDM config), tokenizer: as models/tiny-sd
    export_text_encoder(HalfTableTextEncoder(text).eval(), out / "text_encoder" / "model.onnx")
    export_unet(unet, out / "unet" / "model.onnx")
    export_vae(decoder, out / "vae_decoder" / "model.onnx")
    export_vae_encoder(encoder, out / "vae_encoder" / "model.onnx")
    vae_config = {
        "_class_name": "AutoencoderKL", "_diffusers_version": DIFFUSERS_VERSION, "act_fn": "silu",
        "block_out_channels": list(VAE_CHANNELS), "in_channels": 3, "latent_channels": LATENT_CHANNELS,
        "layers_per_block": 1, "out_channels": 3, "sample_size": IMAGE,  # GroupNorm groups vary: vae_groups
        "scaling_factor": scaling,
    }
    write_json(out / "vae_decoder" / "config.json", vae_config)
    write_json(out / "vae_encoder" / "config.json", vae_config)
    write_json(out / "unet" / "config.json", {
        "_class_name": "UNet2DConditionModel", "_diffusers_version": DIFFUSERS_VERSION,
        "attention_head_dim": UNET_HEADS, "block_out_channels": list(UNET_CHANNELS),
        "cross_attention_dim": TEXT_HIDDEN, "in_channels": LATENT_CHANNELS, "layers_per_block": LAYERS_PER_BLOCK,
        "norm_num_groups": GROUPS,
        "out_channels": LATENT_CHANNELS, "sample_size": IMAGE // 8,
    })
    write_json(out / "text_encoder" / "config.json", {
        "architectures": ["CLIPTextModel"], "hidden_act": "quick_gelu", "hidden_size": TEXT_HIDDEN,
        "max_position_embeddings": MAX_POSITIONS, "num_attention_heads": TEXT_HEADS,
        "num_hidden_layers": TEXT_LAYERS, "vocab_size": VOCAB_SIZE, "torch_dtype": "float32",
    })


def check_export(out):
    """The exported graphs have models/tiny-sd's input and output names (what the Java pipeline binds by). Their
    numbers are not compared here: ONNX Runtime is not installed for Python on this machine; the Java tests run
    the graphs (TrainedModelEndToEndTest, the replay and byte-identity tests)."""
    for part, inputs, outputs in (("text_encoder", ["input_ids"], ["last_hidden_state", "pooler_output"]),
                                  ("unet", ["sample", "timestep", "encoder_hidden_states"], ["out_sample"]),
                                  ("vae_decoder", ["latent_sample"], ["sample"]),
                                  ("vae_encoder", ["sample"], ["latent_parameters"])):
        graph = onnx.load((out / part / "model.onnx").as_posix()).graph
        assert [i.name for i in graph.input] == inputs, (part, [i.name for i in graph.input])
        assert [o.name for o in graph.output] == outputs, (part, [o.name for o in graph.output])


def write_report(out, report):
    write_json(out / "training.json", report)
    s = report["settings"]
    ev = report["evaluation"]
    lines = [
        "# tiny-shapes: a tiny latent diffusion model trained on synthetic shapes",
        "",
        "Made by `tools/train_tiny_model.py` (command below); everything here is generated by that script.",
        "Stable Diffusion 1.5's structure at toy scale (CLIP-style text transformer over the real CLIP",
        "vocabulary, UNet with cross-attention, AutoencoderKL-style VAE with 8x downsampling and 4 latent",
        "channels), trained on CPU on 64x64 pictures of one circle, square or triangle in one of eight colours",
        "on a background of another, with English captions. It knows only these words: colours "
        + ", ".join(COLOURS) + "; shapes " + ", ".join(SHAPES) + "; small/large; positions "
        + ", ".join(p for p, _, _ in POSITIONS) + "; \"background\".",
        "",
        f"Command: `{report['command']}`",
        "",
        f"Training took {report['timings']['total_s'] / 60:.1f} min wall time ({report['machine']}): "
        f"VAE {report['timings']['vae_s']:.0f} s, latents {report['timings']['encode_s']:.0f} s, "
        f"text encoder + UNet {report['timings']['diffusion_s']:.0f} s, decoder fine-tune "
        f"{report['timings']['decoder_s']:.0f} s, evaluation {report['timings']['evaluation_s']:.0f} s.",
        "",
    ]
    if report["resumed_from"]:
        lines += ["Made in two processes: stages 1-3 (VAE, latents, text encoder + UNet) wrote a checkpoint, and "
                  "`--resume-from` it ran the decoder fine-tune, evaluation and export (the fine-tune has its own "
                  "seeds, so one process gives the same model).", ""]
    lines += [
        "## Settings",
        "",
        "| setting | value |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in s.items()]
    lines += ["", "## Held out of training", "",
              "Never drawn in training (neither the pictures nor their captions):", "",
              "- (shape, colour) pairs with every background: " + ", ".join(f"{c} {sh}" for sh, c in HELD_OUT_PAIRS),
              "- (shape, colour, background) triples: " + ", ".join(f"{c} {sh} on {b}" for sh, c, b in HELD_OUT_TRIPLES),
              "", "## Evaluation", "",
              f"DDIM, 25 steps, guidance 7.5, prompt \"a <colour> <shape> on a <background> background\" (\"an\" before orange), "
              f"{s['eval_seeds_per_prompt']} seeds per prompt. Measured as the Java tests do: each pixel takes "
              "its nearest palette colour; background = the most frequent, foreground = the most frequent other "
              "colour among pixels within 45 of a palette colour (soft edges are blends); shape from how "
              "much of its bounding box the foreground fills.", "",
              "| prompts | triples | images | foreground colour | background | shape | all three |",
              "|---|---|---|---|---|---|---|"]
    for name in ("training combinations", "held-out combinations", "held-out pairs", "held-out triples"):
        e = ev[name]
        lines.append(f"| {name} | {e.get('triples', '')} | {e['images']} | {e['colour']:.1%} | "
                     f"{e['background']:.1%} | {e['shape']:.1%} | {e['all three']:.1%} |")
    lines += ["", "Held-out triples, fraction of seeds with all three right:", ""]
    lines += [f"- {k}: {v:.0%}" for k, v in ev["held-out combinations"]["per triple"].items()]
    vq, vq2 = report["vae"], report["vae_after_decoder_fine_tune"]
    lines += ["", f"VAE round trip on fresh scenes (posterior means): PSNR {vq['psnr_db']} dB, background and "
              f"foreground colour unchanged in {vq['colours_kept']:.1%}; after the decoder fine-tune "
              f"{vq2['psnr_db']} dB and {vq2['colours_kept']:.1%}. Scaling factor {report['scaling_factor']} "
              "(1 / std of the training latents).", "",
              "## Loss curves", "", "| step | VAE reconstruction | VAE KL |", "|---|---|---|"]
    lines += [f"| {c['step']} | {c['reconstruction']} | {c['kl']} |" for c in report["vae_curve"]]
    lines += ["", "| step | UNet loss (Min-SNR-5 weighted) |", "|---|---|"]
    lines += [f"| {c['step']} | {c['loss']} |" for c in report["unet_curve"]]
    lines += ["", "| step | decoder fine-tune reconstruction |", "|---|---|"]
    lines += [f"| {c['step']} | {c['reconstruction']} |" for c in report["decoder_curve"]]
    lines += ["", "training.json holds the same numbers, and the palette (RGB of each colour word, in the order that"
              " breaks ties) and measurement rules the tests use.", ""]
    (out / "TRAINING.md").write_text("\n".join(lines), encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads (the tensors are small: 1 thread ran a UNet step 2.5x faster than 2 here)")
    parser.add_argument("--quick", action="store_true", help="a few minutes: fewer steps, to check the chain")
    parser.add_argument("--vae-steps", type=int, default=None)
    parser.add_argument("--vae-batch", type=int, default=32)
    parser.add_argument("--vae-lr", type=float, default=3e-3)
    parser.add_argument("--kl-weight", type=float, default=2e-5)
    parser.add_argument("--images", type=int, default=None, help="training pictures of the diffusion stage")
    parser.add_argument("--steps", type=int, default=None, help="text encoder + UNet steps")
    parser.add_argument("--batch", type=int, default=48)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--ema", type=float, default=0.998)
    parser.add_argument("--decoder-steps", type=int, default=None, help="decoder fine-tune steps (encoder frozen)")
    parser.add_argument("--decoder-lr", type=float, default=1e-3)
    parser.add_argument("--resume-from", type=Path, default=None,
                        help="a checkpoint this script wrote after stage 3 (target/<out>-checkpoint.pt): run the "
                             "decoder fine-tune, evaluation and export only")
    parser.add_argument("--eval-seeds", type=int, default=None)
    parser.add_argument("--log-every", type=int, default=None)
    args = parser.parse_args()
    quick = args.quick
    args.vae_steps = args.vae_steps or (150 if quick else 1000)
    args.images = args.images or (3000 if quick else 8000)
    args.steps = args.steps or (300 if quick else 3200)
    args.decoder_steps = args.decoder_steps if args.decoder_steps is not None else (50 if quick else 200)
    args.eval_seeds = args.eval_seeds or (2 if quick else 4)
    args.log_every = args.log_every or (25 if quick else 50)

    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(args.seed)
    rng = np.random.Generator(np.random.PCG64(args.seed))
    began = time.time()

    def log(msg):
        line = f"[{time.time() - began:7.1f}s] {msg}"
        print(line, flush=True)

    tok = ClipTokenizer(args.clip)
    checked = check_tokenizer(tok, args.clip / "tokenizer_cases.json")
    log(f"tokenizer matches {checked} golden cases")
    triples = training_triples()
    log(f"{len(triples)} training triples, {len(held_out_triples())} held out")

    checkpoint = REPO / "target" / (args.out.name + "-checkpoint.pt")  # stages 1-3, for --resume-from
    if args.resume_from is None:
        encoder, decoder, vae_curve, vae_s = train_vae(args, rng, triples, log)
        t0 = time.time()
        scenes = [random_scene(rng, triples) for _ in range(args.images)]
        images = torch.from_numpy(np.stack([s["image"] for s in scenes]))
        for s in scenes:
            del s["image"]
        lat_mean, lat_std = encode_dataset(encoder, images)
        sample = lat_mean + lat_std * torch.from_numpy(
            rng.standard_normal(tuple(lat_mean.shape)).astype(np.float32))
        scaling = float(f"{1.0 / sample.std().item():.5g}")
        encode_s = time.time() - t0
        log(f"{len(scenes)} pictures encoded: latent std {sample.std().item():.4f}, scaling factor {scaling}, "
            f"posterior std mean {lat_std.mean().item():.4f} ({encode_s:.0f}s)")
        vq = vae_quality(encoder, decoder, rng, triples)
        log(f"vae quality {vq}")
        text, unet, unet_curve, diffusion_s = train_diffusion(args, rng, scenes, lat_mean, lat_std, scaling, tok, log)
        checkpoint.parent.mkdir(exist_ok=True)
        torch.save({"text": text.state_dict(), "unet": unet.state_dict(), "encoder": encoder.state_dict(),
                    "decoder": decoder.state_dict(), "scaling": scaling, "vae_curve": vae_curve,
                    "unet_curve": unet_curve, "vae": vq, "timings": {"vae_s": round(vae_s, 1),
                    "encode_s": round(encode_s, 1), "diffusion_s": round(diffusion_s, 1)}}, checkpoint)
        resumed = None
    else:
        state = torch.load(args.resume_from)
        text, unet, encoder, decoder = TextEncoder(), UNet(), Encoder(), Decoder()
        for module, key in ((text, "text"), (unet, "unet"), (encoder, "encoder"), (decoder, "decoder")):
            module.load_state_dict(state[key])
            module.eval()
        scaling = state["scaling"]
        if "vae_curve" not in state:  # a checkpoint of the first version: its run's report has the numbers
            earlier = json.loads((args.out / "training.json").read_text(encoding="utf-8"))
            state.update({k: earlier[k] for k in ("vae_curve", "unet_curve", "vae")})
            state["timings"] = {k: earlier["timings"][k] for k in ("vae_s", "encode_s", "diffusion_s")}
        vae_curve, unet_curve, vq = state["vae_curve"], state["unet_curve"], state["vae"]
        vae_s, encode_s, diffusion_s = (state["timings"][k] for k in ("vae_s", "encode_s", "diffusion_s"))
        resumed = str(args.resume_from)
        log(f"resumed after stage 3 from {args.resume_from}")

    decoder, decoder_curve, decoder_s = finetune_decoder(args, encoder, decoder, triples, log)
    vq_after = vae_quality(encoder, decoder, np.random.Generator(np.random.PCG64(args.seed + 2)), triples)
    log(f"vae quality after the decoder fine-tune {vq_after}")
    t0 = time.time()
    evaluation = evaluate(text, unet, decoder, scaling, tok, args.eval_seeds, log)
    evaluation_s = time.time() - t0

    export_model(args.out, args.clip, text, unet, encoder, decoder, scaling)
    check_export(args.out)
    settings = {
        "seed": args.seed, "threads": args.threads, "image size": f"{IMAGE}x{IMAGE} (latents 8x8x4)",
        "vae channels": list(VAE_CHANNELS), "vae steps x batch": f"{args.vae_steps} x {args.vae_batch}",
        "vae lr": args.vae_lr, "kl weight": args.kl_weight,
        "text encoder": f"{TEXT_LAYERS} layers, width {TEXT_HIDDEN}, {TEXT_HEADS} heads, 77 tokens, CLIP vocab "
                        f"{VOCAB_SIZE} (table stored as float16)",
        "unet channels": list(UNET_CHANNELS), "unet heads": UNET_HEADS,
        "training pictures": args.images, "diffusion steps x batch": f"{args.steps} x {args.batch}",
        "lr (peak, warm-up 100, cosine)": args.lr, "ema": args.ema, "caption dropout": CAPTION_DROPOUT,
        "loss": f"epsilon MSE, Min-SNR-{MIN_SNR_GAMMA:g} weights", "schedule": "scaled_linear 0.00085..0.012, 1000",
        "decoder fine-tune steps x batch (encoder frozen)": f"{args.decoder_steps} x {args.vae_batch}",
        "decoder fine-tune lr": args.decoder_lr, "eval_seeds_per_prompt": args.eval_seeds,
    }
    cmd = "nice /usr/bin/python3 tools/train_tiny_model.py" + (" --quick" if quick else "")
    report = {
        "command": cmd + "".join(f" {a}" for a in sys.argv[1:] if a != "--quick" and a != "--resume-from"
                                 and a != resumed),
        "resumed_from": resumed,
        "machine": f"{torch.get_num_threads()} torch threads, torch {torch.__version__}",
        "settings": settings, "scaling_factor": scaling,
        # a list, in COLOURS order: measure breaks ties by that order, and write_json sorts an object's keys
        "palette": [{"name": c, "rgb": list(PALETTE[c])} for c in COLOURS], "measure": MEASURE_RULES,
        "shapes": SHAPES,
        "held_out_pairs": [list(p) for p in HELD_OUT_PAIRS], "held_out_triples": [list(t) for t in HELD_OUT_TRIPLES],
        "vae": vq, "vae_after_decoder_fine_tune": vq_after, "evaluation": evaluation, "vae_curve": vae_curve,
        "unet_curve": unet_curve, "decoder_curve": decoder_curve,
        "timings": {"vae_s": round(vae_s, 1), "encode_s": round(encode_s, 1), "diffusion_s": round(diffusion_s, 1),
                    "decoder_s": round(decoder_s, 1), "evaluation_s": round(evaluation_s, 1),
                    "total_s": round(vae_s + encode_s + diffusion_s + decoder_s + evaluation_s, 1)},
    }
    write_report(args.out, report)
    log(f"wrote {args.out}")
    for f in sorted(args.out.rglob("*")):
        if f.is_file():
            print(f"{f.stat().st_size:>10,}  {f.relative_to(args.out)}")


if __name__ == "__main__":
    main()
