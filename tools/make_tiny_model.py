#!/usr/bin/python3
"""Generate a tiny Stable Diffusion 1.5 look-alike in the diffusers ONNX export layout.

Why: the worker's tests and the local demo need a model with Stable Diffusion's exact folder layout,
tensor names, dtypes and dynamic axes, but without downloading 2 GB of weights. The weights here are
random (fixed seed) and scaled so that the outputs stay in the ranges real SD produces (UNet noise
prediction of about unit variance, VAE images mostly in [-1, 1] with some clipping).

Run (Debian's torch and onnx; the default `python3` on PATH cannot see them):

    apt-get install -y python3-torch python3-onnx
    /usr/bin/python3 tools/make_tiny_model.py                  # writes models/tiny-sd/
    /usr/bin/python3 tools/make_tiny_model.py --out /tmp/x     # somewhere else
    /usr/bin/python3 tools/make_tiny_model.py --test-fixtures worker/src/test/resources/models
        # also writes the test fixtures: an int64-timestep UNet (the layout of older diffusers
        # exports) and broken models (a renamed input tensor, a wrong-rank input)
    /usr/bin/python3 tools/make_tiny_model.py --static-unet 2x64x64 --static-unet 4x8x8 --out DIR
        # also writes DIR/unet-static/unet-b2-h64-w64.onnx ...: fixed-shape UNets from which the
        # DJL TensorRT engine builds one engine per (batch, height, width) profile

Layout written (as diffusers' convert_stable_diffusion_checkpoint_to_onnx.py + save_pretrained):

    model_index.json                    OnnxStableDiffusionPipeline, component classes
    tokenizer/vocab.json, merges.txt    copied from the CLIP golden folder (full 49,408-token vocab)
    tokenizer/tokenizer_config.json, special_tokens_map.json
    text_encoder/model.onnx             input_ids int32 [batch, sequence]
                                        -> last_hidden_state [batch, sequence, D], pooler_output [batch, D]
    unet/model.onnx                     sample f32 [batch, channels, height, width], timestep f32 [batch],
                                        encoder_hidden_states f32 [batch, sequence, D] -> out_sample
    unet/config.json                    UNet2DConditionModel-style config (optimum keeps one per component)
    vae_decoder/model.onnx              latent_sample f32 [batch, channels, height, width] -> sample [b,3,8h,8w]
    vae_decoder/config.json             AutoencoderKL-style config with scaling_factor 0.18215
    scheduler/scheduler_config.json     SD 1.5's PNDMScheduler config

The script is deterministic: the same torch version and seed write the same weights.
"""

import argparse
import json
import math
import shutil
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

import onnx

SEED = 20240611
OPSET = 14  # diffusers' default export opset
VOCAB_SIZE = 49408
MAX_POSITIONS = 77
TEXT_HIDDEN = 32
TEXT_LAYERS = 2
TEXT_HEADS = 2
LATENT_CHANNELS = 4
UNET_CHANNELS = (32, 64)
UNET_GROUPS = 8
TIME_PROJ_DIM = 32
TIME_EMBED_DIM = 128
VAE_CHANNELS = (32, 32, 16, 16)
VAE_SCALING_FACTOR = 0.18215
DIFFUSERS_VERSION = "0.27.2"

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "models" / "tiny-sd"
DEFAULT_CLIP = REPO.parent / "shared" / "golden" / "clip"


# ----------------------------------------------------------------------------------------------
# Text encoder: CLIP text transformer (pre-LayerNorm blocks, causal mask, quick-GELU, final LN)
# ----------------------------------------------------------------------------------------------
class ClipAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, dim)
        self.v = nn.Linear(dim, dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x, mask):
        b, s, d = x.shape
        hd = d // self.heads
        q = self.q(x).reshape(b, s, self.heads, hd).transpose(1, 2) * (hd ** -0.5)
        k = self.k(x).reshape(b, s, self.heads, hd).transpose(1, 2)
        v = self.v(x).reshape(b, s, self.heads, hd).transpose(1, 2)
        w = torch.softmax(q @ k.transpose(-1, -2) + mask, dim=-1)
        return self.out((w @ v).transpose(1, 2).reshape(b, s, d))


class ClipLayer(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = ClipAttention(dim, heads)
        self.ln2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.fc2 = nn.Linear(4 * dim, dim)

    def forward(self, x, mask):
        x = x + self.attn(self.ln1(x), mask)
        h = self.fc1(self.ln2(x))
        h = h * torch.sigmoid(1.702 * h)  # quick_gelu, as CLIP ViT-L/14's text tower
        return x + self.fc2(h)


class TinyClipTextModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.token_embedding = nn.Embedding(VOCAB_SIZE, TEXT_HIDDEN)
        self.position_embedding = nn.Embedding(MAX_POSITIONS, TEXT_HIDDEN)
        self.layers = nn.ModuleList([ClipLayer(TEXT_HIDDEN, TEXT_HEADS) for _ in range(TEXT_LAYERS)])
        self.final_layer_norm = nn.LayerNorm(TEXT_HIDDEN)
        causal = torch.full((MAX_POSITIONS, MAX_POSITIONS), float("-inf")).triu(1)
        self.register_buffer("causal_mask", causal, persistent=False)
        self.register_buffer("position_ids", torch.arange(MAX_POSITIONS), persistent=False)

    def forward(self, input_ids):
        seq = input_ids.shape[1]
        ids = input_ids.long()
        x = self.token_embedding(ids) + self.position_embedding(self.position_ids[:seq])
        mask = self.causal_mask[:seq, :seq]
        for layer in self.layers:
            x = layer(x, mask)
        last = self.final_layer_norm(x)
        # CLIP pools at the end-of-text token, which has the highest id in the vocabulary
        eos = ids.argmax(dim=-1)
        pooled = last[torch.arange(last.shape[0]), eos]
        return last, pooled


# ----------------------------------------------------------------------------------------------
# UNet: SD's UNet2DConditionModel shape at toy width
# ----------------------------------------------------------------------------------------------
def timestep_embedding(t, dim):
    """Sinusoidal embedding as SD's Timesteps(flip_sin_to_cos=True, downscale_freq_shift=0)."""
    half = dim // 2
    exponent = -math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half
    args = t[:, None].float() * torch.exp(exponent)[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb=None, groups=UNET_GROUPS):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin, eps=1e-5)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(temb, cout) if temb else None
        self.norm2 = nn.GroupNorm(groups, cout, eps=1e-5)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, emb=None):
        h = self.conv1(F.silu(self.norm1(x)))
        if self.temb is not None:
            h = h + self.temb(F.silu(emb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (self.skip(x) if self.skip is not None else x) + h


class Attention(nn.Module):
    def __init__(self, dim, context_dim, heads):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim, bias=False)
        self.k = nn.Linear(context_dim, dim, bias=False)
        self.v = nn.Linear(context_dim, dim, bias=False)
        self.out = nn.Linear(dim, dim)

    def forward(self, x, context):
        b, n, d = x.shape
        m = context.shape[1]
        hd = d // self.heads
        q = self.q(x).reshape(b, n, self.heads, hd).transpose(1, 2)
        k = self.k(context).reshape(b, m, self.heads, hd).transpose(1, 2)
        v = self.v(context).reshape(b, m, self.heads, hd).transpose(1, 2)
        w = torch.softmax((q @ k.transpose(-1, -2)) * (hd ** -0.5), dim=-1)
        return self.out((w @ v).transpose(1, 2).reshape(b, n, d))


class SpatialTransformer(nn.Module):
    """SD's Transformer2DModel: norm, proj_in, [self-attn], cross-attn on the text, GEGLU FF, proj_out.

    Self-attention is only used at the coarse level: at 64x64 latents a 4096x4096 attention map per
    head and item would dominate memory and time of a model whose point is to be small.
    """

    def __init__(self, ch, context_dim, heads=2, self_attention=True):
        super().__init__()
        self.norm = nn.GroupNorm(UNET_GROUPS, ch, eps=1e-6)
        self.proj_in = nn.Conv2d(ch, ch, 1)
        self.ln1 = nn.LayerNorm(ch) if self_attention else None
        self.attn1 = Attention(ch, ch, heads) if self_attention else None
        self.ln2 = nn.LayerNorm(ch)
        self.attn2 = Attention(ch, context_dim, heads)
        self.ln3 = nn.LayerNorm(ch)
        self.ff_in = nn.Linear(ch, 4 * ch)
        self.ff_out = nn.Linear(2 * ch, ch)
        self.proj_out = nn.Conv2d(ch, ch, 1)

    def forward(self, x, context):
        b, c, h, w = x.shape
        r = self.proj_in(self.norm(x)).permute(0, 2, 3, 1).reshape(b, h * w, c)
        if self.attn1 is not None:
            r = r + self.attn1(self.ln1(r), self.ln1(r))
        r = r + self.attn2(self.ln2(r), context)
        a, gate = self.ff_in(self.ln3(r)).chunk(2, dim=-1)
        r = r + self.ff_out(a * F.gelu(gate))
        r = r.reshape(b, h, w, c).permute(0, 3, 1, 2)
        return x + self.proj_out(r)


class TinyUNet(nn.Module):
    def __init__(self, int64_timestep=False):
        super().__init__()
        c0, c1 = UNET_CHANNELS
        self.int64_timestep = int64_timestep
        self.time_fc1 = nn.Linear(TIME_PROJ_DIM, TIME_EMBED_DIM)
        self.time_fc2 = nn.Linear(TIME_EMBED_DIM, TIME_EMBED_DIM)
        self.conv_in = nn.Conv2d(LATENT_CHANNELS, c0, 3, padding=1)
        # down level 0 (full latent resolution), then stride-2 downsample
        self.down0_res = ResBlock(c0, c0, TIME_EMBED_DIM)
        self.down0_attn = SpatialTransformer(c0, TEXT_HIDDEN, self_attention=False)
        self.down0_sample = nn.Conv2d(c0, c0, 3, stride=2, padding=1)
        # down level 1 (half resolution)
        self.down1_res = ResBlock(c0, c1, TIME_EMBED_DIM)
        self.down1_attn = SpatialTransformer(c1, TEXT_HIDDEN)
        # mid block
        self.mid_res1 = ResBlock(c1, c1, TIME_EMBED_DIM)
        self.mid_attn = SpatialTransformer(c1, TEXT_HIDDEN)
        self.mid_res2 = ResBlock(c1, c1, TIME_EMBED_DIM)
        # up level 1 (consumes the skips of down level 1 and of the downsample), then upsample
        self.up1_res = nn.ModuleList([ResBlock(c1 + c1, c1, TIME_EMBED_DIM), ResBlock(c1 + c0, c1, TIME_EMBED_DIM)])
        self.up1_attn = nn.ModuleList([SpatialTransformer(c1, TEXT_HIDDEN), SpatialTransformer(c1, TEXT_HIDDEN)])
        self.up1_conv = nn.Conv2d(c1, c1, 3, padding=1)
        # up level 0 (consumes the skips of down level 0 and of conv_in)
        self.up0_res = nn.ModuleList([ResBlock(c1 + c0, c0, TIME_EMBED_DIM), ResBlock(c0 + c0, c0, TIME_EMBED_DIM)])
        self.up0_attn = nn.ModuleList([
            SpatialTransformer(c0, TEXT_HIDDEN, self_attention=False),
            SpatialTransformer(c0, TEXT_HIDDEN, self_attention=False)])
        self.norm_out = nn.GroupNorm(UNET_GROUPS, c0, eps=1e-5)
        self.conv_out = nn.Conv2d(c0, LATENT_CHANNELS, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states):
        # one timestep for the batch ([1]) or one per item ([batch]), as diffusers' UNet accepts
        t = timestep.reshape(-1).expand(sample.shape[0])
        if self.int64_timestep:
            t = t.float()
        emb = self.time_fc2(F.silu(self.time_fc1(timestep_embedding(t, TIME_PROJ_DIM))))
        ctx = encoder_hidden_states
        h = self.conv_in(sample)
        skips = [h]
        h = self.down0_attn(self.down0_res(h, emb), ctx)
        skips.append(h)
        h = self.down0_sample(h)
        skips.append(h)
        h = self.down1_attn(self.down1_res(h, emb), ctx)
        skips.append(h)
        h = self.mid_res2(self.mid_attn(self.mid_res1(h, emb), ctx), emb)
        for res, attn in zip(self.up1_res, self.up1_attn):
            h = attn(res(torch.cat([h, skips.pop()], dim=1), emb), ctx)
        h = self.up1_conv(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        for res, attn in zip(self.up0_res, self.up0_attn):
            h = attn(res(torch.cat([h, skips.pop()], dim=1), emb), ctx)
        return self.conv_out(F.silu(self.norm_out(h)))


# ----------------------------------------------------------------------------------------------
# VAE decoder: post_quant_conv, conv_in, mid ResNet, 3 x (ResNet + nearest 2x + conv), norm, conv_out
# ----------------------------------------------------------------------------------------------
class TinyVaeDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        c = VAE_CHANNELS
        self.post_quant_conv = nn.Conv2d(LATENT_CHANNELS, LATENT_CHANNELS, 1)
        self.conv_in = nn.Conv2d(LATENT_CHANNELS, c[0], 3, padding=1)
        self.mid = ResBlock(c[0], c[0])
        self.up_res = nn.ModuleList([ResBlock(c[i], c[i + 1]) for i in range(3)])
        self.up_conv = nn.ModuleList([nn.Conv2d(c[i + 1], c[i + 1], 3, padding=1) for i in range(3)])
        self.last_res = ResBlock(c[3], c[3])
        self.norm_out = nn.GroupNorm(UNET_GROUPS, c[3], eps=1e-6)
        self.conv_out = nn.Conv2d(c[3], 3, 3, padding=1)

    def forward(self, latent_sample):
        h = self.conv_in(self.post_quant_conv(latent_sample))
        h = self.mid(h)
        for res, conv in zip(self.up_res, self.up_conv):
            h = conv(F.interpolate(res(h), scale_factor=2.0, mode="nearest"))
        h = self.last_res(h)
        return self.conv_out(F.silu(self.norm_out(h)))


# ----------------------------------------------------------------------------------------------
# Calibration: scale the last layer so outputs land in SD's ranges
# ----------------------------------------------------------------------------------------------
@torch.no_grad()
def calibrate_unet(unet, text):
    ids = torch.full((2, MAX_POSITIONS), 49407, dtype=torch.int32)
    ids[:, 0] = 49406
    ids[0, 1:4] = torch.tensor([320, 1125, 539], dtype=torch.int32)
    ctx = text(ids)[0]
    sample = torch.randn(2, LATENT_CHANNELS, 64, 64)
    t = torch.tensor([500, 500], dtype=torch.int64 if unet.int64_timestep else torch.float32)
    out = unet(sample, t, ctx)
    # centre each channel (noise has mean 0), then unit variance
    unet.conv_out.bias.sub_(out.mean(dim=(0, 2, 3)))
    std = out.std().item()
    unet.conv_out.weight.mul_(1.0 / std)
    unet.conv_out.bias.mul_(1.0 / std)


@torch.no_grad()
def calibrate_vae(vae):
    # the pipeline feeds latents / scaling_factor, i.e. values of std about 1 / 0.18215
    out = vae(torch.randn(2, LATENT_CHANNELS, 8, 8) / VAE_SCALING_FACTOR)
    out_std = out.std().item()
    # std 0.5: most pixels inside [-1, 1], a few percent clipped, as an untrained SD VAE looks
    vae.conv_out.weight.mul_(0.5 / out_std)
    vae.conv_out.bias.mul_(0.0)


# ----------------------------------------------------------------------------------------------
# Export helpers
# ----------------------------------------------------------------------------------------------
def export(model, args, path, input_names, output_names, dynamic_axes):
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(model, args, path.as_posix(), input_names=input_names, output_names=output_names,
                      dynamic_axes=dynamic_axes, opset_version=OPSET, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path.as_posix()))


SPATIAL_AXES = {0: "batch", 1: "channels", 2: "height", 3: "width"}


def export_text_encoder(text, path):
    ids = torch.full((1, MAX_POSITIONS), 49407, dtype=torch.int32)
    ids[0, 0] = 49406
    export(text, (ids,), path, ["input_ids"], ["last_hidden_state", "pooler_output"],
           {"input_ids": {0: "batch", 1: "sequence"}})


def export_unet(unet, path, static_shape=None):
    batch, h, w = static_shape or (2, 8, 8)
    t_dtype = torch.int64 if unet.int64_timestep else torch.float32
    args = (torch.randn(batch, LATENT_CHANNELS, h, w), torch.tensor([981] * batch, dtype=t_dtype),
            torch.randn(batch, MAX_POSITIONS, TEXT_HIDDEN))
    axes = None if static_shape else {
        "sample": SPATIAL_AXES,
        "timestep": {0: "batch"},
        "encoder_hidden_states": {0: "batch", 1: "sequence"},
    }
    export(unet, args, path, ["sample", "timestep", "encoder_hidden_states"], ["out_sample"], axes)


def export_vae(vae, path):
    export(vae, (torch.randn(1, LATENT_CHANNELS, 8, 8),), path, ["latent_sample"], ["sample"],
           {"latent_sample": SPATIAL_AXES})


def write_json(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_configs(out, clip_dir):
    write_json(out / "model_index.json", {
        "_class_name": "OnnxStableDiffusionPipeline",
        "_diffusers_version": DIFFUSERS_VERSION,
        "feature_extractor": [None, None],
        "requires_safety_checker": False,
        "safety_checker": [None, None],
        "scheduler": ["diffusers", "PNDMScheduler"],
        "text_encoder": ["diffusers", "OnnxRuntimeModel"],
        "tokenizer": ["transformers", "CLIPTokenizer"],
        "unet": ["diffusers", "OnnxRuntimeModel"],
        "vae_decoder": ["diffusers", "OnnxRuntimeModel"],
        "vae_encoder": [None, None],
    })
    write_json(out / "scheduler" / "scheduler_config.json", {
        "_class_name": "PNDMScheduler",
        "_diffusers_version": DIFFUSERS_VERSION,
        "beta_end": 0.012,
        "beta_schedule": "scaled_linear",
        "beta_start": 0.00085,
        "clip_sample": False,
        "num_train_timesteps": 1000,
        "prediction_type": "epsilon",
        "set_alpha_to_one": False,
        "skip_prk_steps": True,
        "steps_offset": 1,
        "timestep_spacing": "leading",
        "trained_betas": None,
    })
    tok = out / "tokenizer"
    tok.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(clip_dir / "vocab.json", tok / "vocab.json")
    shutil.copyfile(clip_dir / "merges.txt", tok / "merges.txt")
    special = {"content": None, "lstrip": False, "normalized": True, "rstrip": False, "single_word": False}
    write_json(tok / "special_tokens_map.json", {
        "bos_token": dict(special, content="<|startoftext|>"),
        "eos_token": dict(special, content="<|endoftext|>"),
        "pad_token": "<|endoftext|>",
        "unk_token": dict(special, content="<|endoftext|>"),
    })
    write_json(tok / "tokenizer_config.json", {
        "add_prefix_space": False,
        "bos_token": dict(special, content="<|startoftext|>", __type="AddedToken"),
        "do_lower_case": True,
        "eos_token": dict(special, content="<|endoftext|>", __type="AddedToken"),
        "errors": "replace",
        "model_max_length": MAX_POSITIONS,
        "pad_token": "<|endoftext|>",
        "tokenizer_class": "CLIPTokenizer",
        "unk_token": dict(special, content="<|endoftext|>", __type="AddedToken"),
    })
    write_json(out / "vae_decoder" / "config.json", {
        "_class_name": "AutoencoderKL",
        "_diffusers_version": DIFFUSERS_VERSION,
        "act_fn": "silu",
        "block_out_channels": list(reversed(VAE_CHANNELS)),
        "in_channels": 3,
        "latent_channels": LATENT_CHANNELS,
        "layers_per_block": 1,
        "norm_num_groups": UNET_GROUPS,
        "out_channels": 3,
        "sample_size": 512,
        "scaling_factor": VAE_SCALING_FACTOR,
    })
    write_json(out / "unet" / "config.json", {
        "_class_name": "UNet2DConditionModel",
        "_diffusers_version": DIFFUSERS_VERSION,
        "block_out_channels": list(UNET_CHANNELS),
        "cross_attention_dim": TEXT_HIDDEN,
        "in_channels": LATENT_CHANNELS,
        "out_channels": LATENT_CHANNELS,
        "sample_size": 64,
    })
    write_json(out / "text_encoder" / "config.json", {
        "architectures": ["CLIPTextModel"],
        "hidden_act": "quick_gelu",
        "hidden_size": TEXT_HIDDEN,
        "max_position_embeddings": MAX_POSITIONS,
        "num_attention_heads": TEXT_HEADS,
        "num_hidden_layers": TEXT_LAYERS,
        "vocab_size": VOCAB_SIZE,
    })


def rename_graph_input(src, dst, old, new):
    """A copy of an ONNX file whose input `old` is called `new` (a broken model for the tests)."""
    model = onnx.load(src.as_posix())
    for node in model.graph.node:
        for i, name in enumerate(node.input):
            if name == old:
                node.input[i] = new
    for value in model.graph.input:
        if value.name == old:
            value.name = new
    onnx.checker.check_model(model)
    dst.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, dst.as_posix())


class FlatLatentVae(nn.Module):
    """A VAE decoder taking a rank-3 latent: the 'wrong shape' fixture."""

    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, latent_sample):
        b, c, n = latent_sample.shape
        side = 8
        return self.vae(latent_sample.reshape(b, c, side, n // side))


def write_test_fixtures(root, out, unet, vae):
    # same weights as the float-timestep UNet, so both layouts must give the same noise prediction
    unet64 = TinyUNet(int64_timestep=True).eval()
    unet64.load_state_dict(unet.state_dict())
    export_unet(unet64, root / "unet-int64-timestep" / "model.onnx")
    rename_graph_input(out / "unet" / "model.onnx", root / "broken-renamed-unet-input" / "model.onnx",
                       "encoder_hidden_states", "text_embeds")
    export(FlatLatentVae(vae), (torch.randn(1, LATENT_CHANNELS, 64),), root / "broken-rank-vae" / "model.onnx",
           ["latent_sample"], ["sample"], {"latent_sample": {0: "batch", 2: "pixels"}})


@torch.no_grad()
def self_check(text, unet, vae):
    """Sanity numbers printed after generation (the models are verified in Java against ORT)."""
    ids = torch.full((3, MAX_POSITIONS), 49407, dtype=torch.int32)
    ids[:, 0] = 49406
    ids[1, 1:3] = torch.tensor([1125, 539], dtype=torch.int32)
    ctx, pooled = text(ids)
    sample = torch.randn(3, LATENT_CHANNELS, 64, 64)
    out = unet(sample, torch.tensor([981.0] * 3), ctx)
    alone = unet(sample[1:2], torch.tensor([981.0]), ctx[1:2])
    img = vae(torch.randn(2, LATENT_CHANNELS, 64, 64) / VAE_SCALING_FACTOR)
    print(f"text: last_hidden_state {tuple(ctx.shape)} std {ctx.std():.3f}, pooler_output {tuple(pooled.shape)}")
    print(f"unet: out {tuple(out.shape)} mean {out.mean():.3f} std {out.std():.3f}; "
          f"batch independence max diff {(out[1:2] - alone).abs().max():.2e}")
    print(f"vae : out {tuple(img.shape)} std {img.std():.3f}, "
          f"fraction outside [-1,1] {(img.abs() > 1).float().mean():.3%}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="model folder to write")
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP, help="folder with vocab.json and merges.txt")
    parser.add_argument("--int64-timestep", action="store_true",
                        help="export the UNet with an int64 timestep (layout of older diffusers exports)")
    parser.add_argument("--test-fixtures", type=Path, default=None,
                        help="also write the int64-timestep UNet and broken models for the Java tests here")
    parser.add_argument("--static-unet", action="append", default=[], metavar="BxHxW",
                        help="also export a fixed-shape UNet for this (batch, latent height, latent width)")
    args = parser.parse_args()

    torch.manual_seed(SEED)
    text = TinyClipTextModel().eval()
    unet = TinyUNet(int64_timestep=args.int64_timestep).eval()
    vae = TinyVaeDecoder().eval()
    calibrate_unet(unet, text)
    calibrate_vae(vae)

    out = args.out
    if out.exists():
        shutil.rmtree(out)
    write_configs(out, args.clip)
    export_text_encoder(text, out / "text_encoder" / "model.onnx")
    export_unet(unet, out / "unet" / "model.onnx")
    export_vae(vae, out / "vae_decoder" / "model.onnx")
    for spec in args.static_unet:
        b, h, w = (int(v) for v in spec.lower().split("x"))
        export_unet(unet, out / "unet-static" / f"unet-b{b}-h{h}-w{w}.onnx", static_shape=(b, h, w))
    if args.test_fixtures is not None:
        write_test_fixtures(args.test_fixtures, out, unet, vae)
    self_check(text, unet, vae)
    for f in sorted(out.rglob("*")):
        if f.is_file():
            print(f"{f.stat().st_size:>10,}  {f.relative_to(out)}")


if __name__ == "__main__":
    main()
