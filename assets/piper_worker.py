# herald's piper worker: the voice model is loaded once, then one part is spoken per request.
# Run by the python of piper's own environment: python3 -c <this> MODEL.
# In, one JSON line per part: {"text": ..., "stretch": ..., "out": path}, stretch being the
# length wanted relative to the voice's own pace (1 / speed).
# Out, one line per part once its WAV is complete: "ok", or "error <why>".
# It ends when its input closes.
import json
import sys
import wave

from piper import PiperVoice, SynthesisConfig

voice = PiperVoice.load(sys.argv[1])
rate = voice.config.sample_rate
# The model rounds every phoneme id up to whole frames of 256 samples, about 0.65 frame each
# on average (measured), whatever the length_scale: so length_scale = 1 / speed alone makes
# 1.5x only 1.33x. The length is near a * length_scale + rounding.
ROUNDING = 0.65 * 256 / rate


def spoken(text, scale):
    config = SynthesisConfig(length_scale=scale)
    # A short pause between the sentences of a part, as a reader would make.
    pause = bytes(2 * int(rate * 0.15 * scale))
    chunks = []
    for chunk in voice.synthesize(text, syn_config=config):
        if chunks:
            chunks.append(pause)
        chunks.append(chunk.audio_int16_bytes)
    return b"".join(chunks)


def speak(text, stretch):
    audio = spoken(text, stretch)
    if abs(stretch - 1) < 0.01 or not audio:
        return audio
    # Learn the part's own pace from this first try, then aim at stretch times it.
    ids = sum(len(voice.phonemes_to_ids(p)) for p in voice.phonemize(text))
    fixed = ids * ROUNDING
    seconds = len(audio) / 2 / rate
    scaled = max(seconds - fixed, 0.01) / stretch
    wanted = (scaled + fixed) * stretch
    if abs(seconds / wanted - 1) < 0.04:
        return audio
    return spoken(text, min(max((wanted - fixed) / scaled, 0.1), 4.0))


for line in sys.stdin:
    try:
        job = json.loads(line)
        audio = speak(job["text"], float(job["stretch"]))
        with wave.open(job["out"], "wb") as wav:
            wav.setframerate(rate)
            wav.setsampwidth(2)
            wav.setnchannels(1)
            wav.writeframes(audio)
        reply = "ok"
    except Exception as e:  # one bad part must not end the narration
        reply = "error " + " ".join(str(e).split())
    sys.stdout.write(reply + "\n")
    sys.stdout.flush()
