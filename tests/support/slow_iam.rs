//! A loopback IAM endpoint that takes its time: every request is answered after a delay with one
//! ListVirtualMFADevices page (a single unassigned device), so a command can be watched while it waits.

// Each test crate uses a different part.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

/// The one device every answer lists.
pub const SERIAL: &str = "arn:aws:iam::123456789012:mfa/slow-answer";

/// Serves on a free loopback port until the process ends; returns the endpoint URL.
pub fn start(delay: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let address = listener.local_addr().expect("its address");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream, delay));
        }
    });
    format!("http://{address}")
}

/// Answers each request on one connection (the SDK keeps connections alive).
fn serve(stream: TcpStream, delay: Duration) {
    let mut reader = BufReader::new(stream.try_clone().expect("a second handle"));
    let mut writer = stream;
    loop {
        let mut length = 0;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        std::thread::sleep(delay);
        let answer = format!(
            "<ListVirtualMFADevicesResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\
             <ListVirtualMFADevicesResult><IsTruncated>false</IsTruncated><VirtualMFADevices>\
             <member><SerialNumber>{SERIAL}</SerialNumber></member>\
             </VirtualMFADevices></ListVirtualMFADevicesResult>\
             <ResponseMetadata><RequestId>5a1c0000-0000-4000-8000-000000000000</RequestId>\
             </ResponseMetadata></ListVirtualMFADevicesResponse>"
        );
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{answer}",
            answer.len()
        );
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}
